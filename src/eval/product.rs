//! Reading a product record straight into typed fact slots: a serde seed
//! that looks each fact name up once, checks its JSON type against the fact's
//! declaration, and borrows strings from the input where it can. No
//! intermediate `serde_json::Value` is built.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::program::{Program, Slot, SlotType, parse_date};
use crate::rules::{Holding, RuleSet};

/// A fact's value for one product.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'de> {
    Missing,
    Bool(bool),
    Int(i64),
    Number(f64),
    /// The interned id (see [`Program::intern`]) and the text.
    Str(u32, Cow<'de, str>),
    Date(Date),
    /// `start, len` of the set's elements in [`Record::items`].
    Set(u32, u32),
    /// Index into the enumeration's values.
    Enum(u32),
}

/// The category a product names: one for every scheme, or one per scheme id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CategoryField {
    One(String),
    PerScheme(BTreeMap<String, String>),
}

/// A product as a library user builds it (the JSON form of one input line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: String,
    pub category: CategoryField,
    /// What the product holds already (see [`crate::rules::Holding`]): a
    /// level, `scheme:level` or `scheme@version:level`, or a criterion,
    /// `scheme#criterion` or `scheme@version#criterion`.
    #[serde(default)]
    pub holds: Vec<String>,
    #[serde(default)]
    pub facts: serde_json::Map<String, serde_json::Value>,
}

/// A product read for one program: facts by slot.
#[derive(Debug, PartialEq)]
pub struct Record<'de> {
    pub id: Cow<'de, str>,
    /// The category id for the program's scheme, if the record gives one.
    pub category: Option<Cow<'de, str>>,
    /// What the product holds, read and checked against the rule set.
    pub holds: Vec<Holding>,
    pub values: Vec<Val<'de>>,
    /// The elements of every set fact, interned id and text: one buffer per product.
    pub items: Vec<(u32, Cow<'de, str>)>,
}

impl<'de> Record<'de> {
    /// The elements of a set value.
    pub fn set(&self, start: u32, len: u32) -> &[(u32, Cow<'de, str>)] {
        let start = start as usize;
        self.items.get(start..start + len as usize).unwrap_or(&[])
    }
}

/// Reads a [`Record`] for `program` from any serde deserializer.
pub struct RecordSeed<'p, 'r> {
    pub program: &'p Program<'r>,
}

enum Field {
    Id,
    Category,
    Holds,
    Facts,
}

struct FieldSeed;

impl Field {
    fn name(&self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Category => "category",
            Field::Holds => "holds",
            Field::Facts => "facts",
        }
    }
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("one of `id`, `category`, `holds`, `facts`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        match v {
            "id" => Ok(Field::Id),
            "category" => Ok(Field::Category),
            "holds" => Ok(Field::Holds),
            "facts" => Ok(Field::Facts),
            other => Err(E::custom(format!(
                "unknown field `{other}`: a product has `id`, `category`, `holds` and `facts`"
            ))),
        }
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = Record<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Record<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = Record<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a product object with `id`, `category`, `holds` and `facts`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record<'de>, A::Error> {
        let mut id = None;
        let mut category = None;
        let mut holds = Vec::new();
        let mut values = None;
        let mut items = Vec::with_capacity(64);
        let mut seen_holds = false;
        while let Some(field) = map.next_key_seed(FieldSeed)? {
            // A key given twice is an error, as a fact named twice is: the
            // last one silently winning would judge a product nobody wrote.
            let twice = match field {
                Field::Id => id.is_some(),
                Field::Category => category.is_some(),
                Field::Holds => std::mem::replace(&mut seen_holds, true),
                Field::Facts => values.is_some(),
            };
            if twice {
                return Err(de::Error::custom(format!(
                    "`{}` is given twice: a product has each key at most once",
                    field.name()
                )));
            }
            match field {
                Field::Id => id = Some(map.next_value_seed(StrSeed("the product `id`"))?),
                Field::Category => {
                    category = Some(map.next_value_seed(CategorySeed {
                        scheme: &self.program.scheme.id,
                        rules: self.program.rules,
                    })?);
                }
                Field::Holds => {
                    let texts = map.next_value_seed(StrListSeed("`holds`, a list of strings"))?;
                    holds = texts
                        .iter()
                        .map(|text| Holding::parse_in(text, self.program.rules))
                        .collect::<Result<_, _>>()
                        .map_err(|e| de::Error::custom(format!("in `holds`: {e}")))?;
                }
                Field::Facts => {
                    values = Some(map.next_value_seed(FactsSeed {
                        program: self.program,
                        items: &mut items,
                    })?);
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::custom("the product has no `id`"))?;
        let category =
            category.ok_or_else(|| de::Error::custom("the product has no `category`"))?;
        Ok(Record {
            id,
            category,
            holds,
            values: values.unwrap_or_else(|| vec![Val::Missing; self.program.slots.len()]),
            items,
        })
    }
}

/// A string, borrowed from the input when it has no escapes.
struct StrSeed(&'static str);

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct StrListSeed(&'static str);

impl<'de> DeserializeSeed<'de> for StrListSeed {
    type Value = Vec<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StrListSeed {
    type Value = Vec<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        while let Some(item) = seq.next_element_seed(StrSeed(self.0))? {
            out.push(item);
        }
        Ok(out)
    }
}

/// `"camera"` or `{"ccl": "camera", "eu_cra": "…"}`: yields the category for
/// `scheme` (none when the object has no entry for it); a key that names no
/// scheme of `rules` is an error.
struct CategorySeed<'a> {
    scheme: &'a str,
    rules: &'a RuleSet,
}

/// Whether `id` names a scheme of the rule set (any version).
pub(super) fn is_scheme_id(rules: &RuleSet, id: &str) -> bool {
    rules.schemes.iter().any(|s| s.id == id)
}

/// The error for a key of a per-scheme `category` object that names no scheme.
fn unknown_scheme_key(rules: &RuleSet, key: &str) -> String {
    let mut ids: Vec<&str> = rules.schemes.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let hint = crate::diag::suggest(key, ids.iter().copied())
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| format!("the rule set has {}", ids.join(", ")));
    let shown: String = key.chars().take(64).collect();
    format!("`category` names `{shown}`, which is no scheme of the rule set ({hint})")
}

impl<'de> DeserializeSeed<'de> for CategorySeed<'_> {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CategorySeed<'_> {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a category id, or an object from scheme id to category id")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(scheme) = map.next_key_seed(StrSeed("a scheme id"))? {
            if !is_scheme_id(self.rules, &scheme) {
                return Err(de::Error::custom(unknown_scheme_key(self.rules, &scheme)));
            }
            let category = map.next_value_seed(StrSeed("a category id"))?;
            if scheme == self.scheme {
                found = Some(category);
            }
        }
        Ok(found)
    }
}

struct FactsSeed<'a, 'p, 'r, 'de> {
    program: &'p Program<'r>,
    items: &'a mut Vec<(u32, Cow<'de, str>)>,
}

impl<'de> DeserializeSeed<'de> for FactsSeed<'_, '_, '_, 'de> {
    type Value = Vec<Val<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FactsSeed<'_, '_, '_, 'de> {
    type Value = Vec<Val<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`facts`, an object from fact name to value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let slots = &self.program.slots;
        let mut values = vec![Val::Missing; slots.len()];
        // Which slots the product named, `null` included: a second mention is an error.
        let mut named = vec![false; slots.len()];
        let mut position = 0;
        while let Some(slot) = map.next_key_seed(SlotKeySeed {
            program: self.program,
            position,
        })? {
            position += 1;
            let info = slots
                .get(slot as usize)
                .ok_or_else(|| de::Error::custom("internal: fact slot out of range"))?;
            if named
                .get_mut(slot as usize)
                .is_some_and(|seen| std::mem::replace(seen, true))
            {
                return Err(de::Error::custom(format!(
                    "fact `{}` is given twice",
                    info.name
                )));
            }
            let value = map.next_value_seed(ValueSeed {
                slot: info,
                program: self.program,
                items: self.items,
            })?;
            if let Some(place) = values.get_mut(slot as usize) {
                *place = value;
            }
        }
        Ok(values)
    }
}

/// A fact name, looked up once and turned into its slot.
struct SlotKeySeed<'p, 'r> {
    program: &'p Program<'r>,
    position: usize,
}

impl<'de> DeserializeSeed<'de> for SlotKeySeed<'_, '_> {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for SlotKeySeed<'_, '_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        if let Some(slot) = self.program.slot_of(v, self.position) {
            return Ok(slot);
        }
        let hint = crate::diag::suggest(v, self.program.slot_by_name.keys().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        let shown: String = v.chars().take(64).collect();
        Err(E::custom(format!("unknown fact `{shown}`{hint}")))
    }
}

struct ValueSeed<'a, 'p, 'r, 'de> {
    slot: &'p Slot<'r>,
    program: &'p Program<'r>,
    items: &'a mut Vec<(u32, Cow<'de, str>)>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_, 'de> {
    type Value = Val<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Val<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValueSeed<'_, '_, '_, '_> {
    fn wrong<E: de::Error>(&self, found: de::Unexpected<'_>) -> E {
        E::invalid_type(found, self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_, '_, 'de> {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.slot.ty {
            SlotType::Bool => "true or false".to_string(),
            SlotType::Int => "an integer".to_string(),
            SlotType::Decimal => "a number".to_string(),
            SlotType::String => "a string".to_string(),
            SlotType::Date => "a date string \"YYYY-MM-DD\"".to_string(),
            SlotType::Set => "a list of strings".to_string(),
            SlotType::Enum => format!(
                "one of {}",
                self.slot
                    .value_names
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        write!(
            f,
            "{what} for the fact `{}` (or null when unknown)",
            self.slot.name
        )
    }

    fn visit_unit<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Missing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Missing)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val<'de>, E> {
        match self.slot.ty {
            SlotType::Bool => Ok(Val::Bool(v)),
            _ => Err(self.wrong(de::Unexpected::Bool(v))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<'de>, E> {
        match self.slot.ty {
            SlotType::Int => Ok(Val::Int(v)),
            SlotType::Decimal => Ok(Val::Number(v as f64)),
            _ => Err(self.wrong(de::Unexpected::Signed(v))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<'de>, E> {
        match (self.slot.ty, i64::try_from(v)) {
            (SlotType::Int, Ok(i)) => Ok(Val::Int(i)),
            (SlotType::Decimal, _) => Ok(Val::Number(v as f64)),
            _ => Err(self.wrong(de::Unexpected::Unsigned(v))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<'de>, E> {
        match self.slot.ty {
            SlotType::Decimal => Ok(Val::Number(v)),
            _ => Err(self.wrong(de::Unexpected::Float(v))),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Val<'de>, E> {
        match self.slot.ty {
            SlotType::String => Ok(Val::Str(
                self.program.intern_for(self.slot, v),
                Cow::Borrowed(v),
            )),
            _ => self.visit_str(v),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<'de>, E> {
        match self.slot.ty {
            SlotType::String => Ok(Val::Str(
                self.program.intern_for(self.slot, v),
                Cow::Owned(v.to_string()),
            )),
            SlotType::Date => parse_date(v)
                .map(Val::Date)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self)),
            SlotType::Enum => self
                .slot
                .values
                .get(v)
                .map(|i| Val::Enum(*i))
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self)),
            _ => Err(self.wrong(de::Unexpected::Str(v))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        if self.slot.ty != SlotType::Set {
            return Err(self.wrong(de::Unexpected::Seq));
        }
        let start = self.items.len();
        while let Some(item) = seq.next_element_seed(StrSeed("a string in a set"))? {
            self.items
                .push((self.program.intern_for(self.slot, &item), item));
        }
        let too_many = || de::Error::custom("too many set elements in one product");
        let len = u32::try_from(self.items.len() - start).map_err(|_| too_many())?;
        Ok(Val::Set(u32::try_from(start).map_err(|_| too_many())?, len))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Val<'de>, A::Error> {
        Err(self.wrong(de::Unexpected::Map))
    }
}
