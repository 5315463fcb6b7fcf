//! OSCAL export of a compiled rule set (`labelc export oscal`) and the
//! policy skeleton read back from an OSCAL catalog (`labelc import oscal`).
//!
//! For each scheme version exported: a catalog (one control per criterion),
//! one profile per level (the controls the level requires), and for each
//! pair of exported scheme versions joined by recognitions, a mapping
//! collection. Output is a function of the rule set and the options only:
//! UUIDs are name-based (v5) on the ids, `last-modified` comes from the
//! scheme's dates or `--last-modified`, never the clock. The field-by-field
//! mapping is in docs/export.md.

mod import;
pub mod model;

use std::collections::BTreeSet;
use std::fmt;

use uuid::Uuid;

use crate::rules::{
    AppliesTo, Credit, Criterion, Grounds, Level, Method, Recognition, RecognitionStatus,
    Relationship, RuleSet, Scheme, SchemeStatus, Status, basis_of,
};
use model::{
    BackMatter, Catalog, CatalogDocument, Control, Import, IncludeAll, Link, Map, Mapping,
    MappingCollection, MappingCollectionDocument, MappingItem, Merge, Metadata, Part, Party,
    Profile, ProfileDocument, Prop, Provenance, Resource, ResourceCitation, ResourceReference,
    ResponsibleParty, Rlink, Role, SelectControls,
};

pub use import::{ImportError, import_catalog};

/// The OSCAL version written in `metadata.oscal-version`.
pub const OSCAL_VERSION: &str = "1.2.1";
/// The namespace of labelc's own props and part names.
pub const NS: &str = "urn:labelc:oscal";
/// The default start of every href between exported files: trestle's
/// workspace scheme (`trestle://catalogs/NAME/catalog.json`).
pub const DEFAULT_HREF_BASE: &str = "trestle://";

/// What to export and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Scheme ids (every version) or `id@version`; empty: every scheme.
    pub schemes: Vec<String>,
    /// `last-modified` of every document (RFC 3339 date-time or a date);
    /// absent: from each scheme's data.
    pub last_modified: Option<String>,
    /// Prefix of the hrefs between exported files (a profile's import, a
    /// mapping's resources), followed by the file's path under the output
    /// directory.
    pub href_base: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            schemes: Vec::new(),
            last_modified: None,
            href_base: DEFAULT_HREF_BASE.to_string(),
        }
    }
}

/// One file to write: its path under the output directory and its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `catalogs/ccl-2026-04/catalog.json`.
    pub path: String,
    pub json: String,
}

/// Why an export cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// `--scheme NAME` names no scheme of the rule set.
    UnknownScheme {
        name: String,
        suggestion: Option<String>,
    },
    /// `--last-modified` is not a date or an RFC 3339 date-time.
    BadLastModified(String),
    /// The scheme states no date to use as `last-modified`.
    NoDate { scheme: String },
    /// A JSON document could not be serialized (not expected).
    Serialize(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::UnknownScheme { name, suggestion } => {
                write!(f, "`--scheme {name}` names no scheme of the input")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            ExportError::BadLastModified(text) => write!(
                f,
                "`--last-modified {text}` is not a date or date-time; write YYYY-MM-DD or \
                 YYYY-MM-DDTHH:MM:SSZ"
            ),
            ExportError::NoDate { scheme } => write!(
                f,
                "scheme `{scheme}` has no `effective` date and its sources no `issued` date \
                 to use as OSCAL `last-modified`; give one with `--last-modified YYYY-MM-DD`"
            ),
            ExportError::Serialize(e) => write!(f, "cannot serialize the OSCAL documents: {e}"),
        }
    }
}

/// Exports `rules` as OSCAL documents, sorted by path.
pub fn export(rules: &RuleSet, options: &Options) -> Result<Vec<OutputFile>, ExportError> {
    let flag_date = match &options.last_modified {
        Some(text) => {
            Some(timestamp(text).ok_or_else(|| ExportError::BadLastModified(text.clone()))?)
        }
        None => None,
    };
    let schemes = select(rules, &options.schemes)?;
    let mut files = Vec::new();
    let mut dated = Vec::new();
    for scheme in &schemes {
        let modified = match &flag_date {
            Some(date) => date.clone(),
            None => scheme_date(scheme).ok_or_else(|| ExportError::NoDate {
                scheme: scheme.key(),
            })?,
        };
        files.push(file(catalog_path(scheme), &catalog(scheme, &modified))?);
        for level in &scheme.levels {
            files.push(file(
                profile_path(scheme, level),
                &profile(scheme, level, &modified, &options.href_base),
            )?);
        }
        dated.push((*scheme, modified));
    }
    for (from, from_date) in &dated {
        for (to, to_date) in &dated {
            let recognitions: Vec<&Recognition> = rules
                .recognitions
                .iter()
                .filter(|r| accepts(r, from) && targets(r, to))
                .collect();
            if recognitions.is_empty() {
                continue;
            }
            let modified = from_date.max(to_date).clone();
            let doc = mapping_collection(from, to, &recognitions, &modified, &options.href_base);
            files.push(file(mapping_path(from, to), &doc)?);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether recognition `r` credits scheme version `s`.
fn targets(r: &Recognition, s: &Scheme) -> bool {
    r.to.scheme == s.id && r.to.version.as_ref().is_none_or(|v| *v == s.version)
}

/// Whether recognition `r` accepts a holding of scheme version `s`.
fn accepts(r: &Recognition, s: &Scheme) -> bool {
    r.from.scheme == s.id && r.from.version.as_ref().is_none_or(|v| *v == s.version)
}

fn select<'r>(rules: &'r RuleSet, names: &[String]) -> Result<Vec<&'r Scheme>, ExportError> {
    if names.is_empty() {
        return Ok(rules.schemes.iter().collect());
    }
    for name in names {
        if !rules
            .schemes
            .iter()
            .any(|s| s.id == *name || s.key() == *name)
        {
            let candidates: BTreeSet<String> = rules
                .schemes
                .iter()
                .flat_map(|s| [s.id.clone(), s.key()])
                .collect();
            let suggestion = candidates
                .into_iter()
                .map(|c| (strsim::levenshtein(name, &c), c))
                .filter(|(d, _)| *d <= 3)
                .min()
                .map(|(_, c)| c);
            return Err(ExportError::UnknownScheme {
                name: name.clone(),
                suggestion,
            });
        }
    }
    Ok(rules
        .schemes
        .iter()
        .filter(|s| names.iter().any(|n| s.id == *n || s.key() == *n))
        .collect())
}

fn file<T: serde::Serialize>(path: String, doc: &T) -> Result<OutputFile, ExportError> {
    let mut json =
        serde_json::to_string_pretty(doc).map_err(|e| ExportError::Serialize(e.to_string()))?;
    json.push('\n');
    Ok(OutputFile { path, json })
}

/// A name-based UUID for `key`, in labelc's namespace.
fn uuid(key: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
    Uuid::new_v5(&namespace, key.as_bytes()).to_string()
}

/// `YYYY-MM-DD` becomes midnight UTC; an RFC 3339 date-time with an offset is kept.
fn timestamp(text: &str) -> Option<String> {
    if crate::rules::parse_date(text).is_some() {
        return Some(format!("{text}T00:00:00Z"));
    }
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|_| text.to_string())
}

/// The scheme's `effective` date, else the latest `issued` of its sources.
fn scheme_date(scheme: &Scheme) -> Option<String> {
    let date = scheme
        .effective
        .clone()
        .or_else(|| scheme.sources.iter().filter_map(|s| s.issued.clone()).max())?;
    timestamp(&date)
}

/// The directory name of a scheme version: `id-version` (ids hold no `-`).
fn name(scheme: &Scheme) -> String {
    format!("{}-{}", scheme.id, scheme.version)
}

fn catalog_path(scheme: &Scheme) -> String {
    format!("catalogs/{}/catalog.json", name(scheme))
}

fn profile_path(scheme: &Scheme, level: &Level) -> String {
    format!(
        "profiles/{}-level-{}/profile.json",
        name(scheme),
        level.rank
    )
}

fn mapping_path(from: &Scheme, to: &Scheme) -> String {
    format!(
        "mapping-collections/{}--{}/mapping-collection.json",
        name(from),
        name(to)
    )
}

/// The OSCAL control id of a criterion: the id itself, with `_` in front
/// when it starts with a digit (an OSCAL token starts with a letter or `_`;
/// a criterion id never starts with `_`, so the mapping is one-to-one).
pub fn control_id(criterion: &str) -> String {
    if criterion.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{criterion}")
    } else {
        criterion.to_string()
    }
}

/// A prop value: whitespace runs become one space, ends trimmed (OSCAL
/// values match `^\S(.*\S)?$`); `None` when nothing is left.
fn clean(text: &str) -> Option<String> {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A labelc prop (namespace [`NS`]); skipped when the value is blank.
fn prop(props: &mut Vec<Prop>, name: &str, value: &str) {
    if let Some(value) = clean(value) {
        props.push(Prop {
            name: name.to_string(),
            value,
            ns: Some(NS.to_string()),
            remarks: None,
        });
    }
}

fn status_props(props: &mut Vec<Prop>, status: &Status) {
    match status {
        Status::Confirmed => prop(props, "status", "confirmed"),
        Status::Pending { reason } => {
            prop(props, "status", "pending");
            prop(props, "pending-reason", reason);
        }
    }
}

/// `basis` (official when unstated), with the author's note as remarks.
fn basis_prop(props: &mut Vec<Prop>, name: &str, grounds: Option<&Grounds>) {
    prop(props, name, basis_of(grounds).word());
    if let (Some(last), Some(note)) = (props.last_mut(), grounds.and_then(|g| g.note.as_ref())) {
        last.remarks = Some(note.clone());
    }
}

fn metadata(title: &str, version: &str, modified: &str) -> Metadata {
    Metadata {
        title: title.to_string(),
        published: None,
        last_modified: modified.to_string(),
        version: version.to_string(),
        oscal_version: OSCAL_VERSION.to_string(),
        props: Vec::new(),
        roles: Vec::new(),
        parties: Vec::new(),
        responsible_parties: Vec::new(),
        remarks: None,
    }
}

fn source_uuid(scheme: &Scheme, source: &str) -> String {
    uuid(&format!("source/{}/{source}", scheme.key()))
}

fn catalog(scheme: &Scheme, modified: &str) -> CatalogDocument {
    let mut meta = metadata(&scheme.title, &scheme.version, modified);
    prop(&mut meta.props, "scheme-id", &scheme.id);
    if let Some(j) = &scheme.jurisdiction {
        prop(&mut meta.props, "jurisdiction", j);
    }
    if let Some(status) = scheme.status {
        let word = match status {
            SchemeStatus::Draft => "draft",
            SchemeStatus::InForce => "in_force",
            SchemeStatus::Superseded => "superseded",
        };
        prop(&mut meta.props, "scheme-status", word);
    }
    if let Some(date) = &scheme.effective {
        prop(&mut meta.props, "effective", date);
    }
    if let Some(nature) = scheme.nature {
        prop(&mut meta.props, "nature", nature.word());
        if let (Some(last), Some(note)) = (meta.props.last_mut(), &scheme.nature_note) {
            last.remarks = Some(note.clone());
        }
    }
    for authority in &scheme.authorities {
        let party = uuid(&format!("party/{}/{}", scheme.key(), authority.id));
        let role_id = format!("authority-{}", authority.id);
        meta.roles.push(Role {
            id: role_id.clone(),
            title: authority
                .role
                .as_deref()
                .and_then(clean)
                .unwrap_or_else(|| "Authority".to_string()),
            description: None,
        });
        meta.parties.push(Party {
            uuid: party.clone(),
            kind: "organization".to_string(),
            name: authority
                .title
                .clone()
                .unwrap_or_else(|| authority.id.clone()),
            short_name: Some(authority.id.clone()),
        });
        meta.responsible_parties.push(ResponsibleParty {
            role_id,
            party_uuids: vec![party],
        });
    }
    let resources: Vec<Resource> = scheme
        .sources
        .iter()
        .map(|source| {
            let mut props = Vec::new();
            prop(&mut props, "source-id", &source.id);
            if let Some(issued) = &source.issued {
                prop(&mut props, "issued", issued);
            }
            Resource {
                uuid: source_uuid(scheme, &source.id),
                title: Some(source.title.clone().unwrap_or_else(|| source.id.clone())),
                props,
                citation: source
                    .document
                    .as_deref()
                    .and_then(clean)
                    .map(|text| ResourceCitation { text }),
                rlinks: source
                    .url
                    .iter()
                    .map(|url| Rlink { href: url.clone() })
                    .collect(),
            }
        })
        .collect();
    CatalogDocument {
        catalog: Catalog {
            uuid: uuid(&format!("catalog/{}", scheme.key())),
            metadata: meta,
            groups: Vec::new(),
            controls: scheme.criteria.iter().map(|c| control(scheme, c)).collect(),
            back_matter: (!resources.is_empty()).then_some(BackMatter { resources }),
        },
    }
}

fn method_words(method: Method) -> (&'static str, &'static str) {
    match method {
        Method::Test => ("test", "TEST"),
        Method::DocumentReview => ("document_review", "EXAMINE"),
        Method::Audit => ("audit", "EXAMINE"),
        Method::SelfDeclaration => ("self_declaration", "EXAMINE"),
    }
}

fn control(scheme: &Scheme, criterion: &Criterion) -> Control {
    let mut props = vec![Prop {
        name: "label".to_string(),
        value: criterion.id.clone(),
        ns: None,
        remarks: None,
    }];
    status_props(&mut props, &criterion.status);
    basis_prop(&mut props, "basis", criterion.basis.as_ref());
    if let AppliesTo::Categories { ids } = &criterion.applies_to {
        for id in ids {
            prop(&mut props, "applies-to", id);
        }
    }
    if let Some(date) = &criterion.valid_from {
        prop(&mut props, "valid-from", date);
    }
    if let Some(date) = &criterion.valid_until {
        prop(&mut props, "valid-until", date);
        if criterion.valid_until_basis.is_some() {
            basis_prop(
                &mut props,
                "valid-until-basis",
                criterion.valid_until_basis.as_ref(),
            );
        }
    }
    if let Some(old) = &criterion.renamed_from {
        prop(&mut props, "renamed-from", old);
    }
    let mut links = Vec::new();
    if let Some(citation) = &criterion.citation {
        match &citation.source {
            Some(source) => links.push(Link {
                href: format!("#{}", source_uuid(scheme, source)),
                rel: Some("reference".to_string()),
                text: Some(citation.locator.clone()),
            }),
            None => prop(&mut props, "citation", &citation.locator),
        }
    }
    let mut parts = Vec::new();
    if let Some(method) = criterion.method {
        let (word, nist) = method_words(method);
        parts.push(Part {
            name: "assessment-method".to_string(),
            ns: None,
            props: vec![
                Prop {
                    name: "method".to_string(),
                    value: nist.to_string(),
                    ns: None,
                    remarks: None,
                },
                Prop {
                    name: "method".to_string(),
                    value: word.to_string(),
                    ns: Some(NS.to_string()),
                    remarks: None,
                },
            ],
            prose: Some(word.replace('_', " ")),
        });
    }
    for evidence in &criterion.evidence {
        parts.push(Part {
            name: "evidence".to_string(),
            ns: Some(NS.to_string()),
            props: Vec::new(),
            prose: Some(evidence.clone()),
        });
    }
    Control {
        id: control_id(&criterion.id),
        title: criterion.title.clone(),
        props,
        links,
        parts,
        controls: Vec::new(),
    }
}

/// The criteria a level's profile selects: everything it requires, and
/// every member of its at-least groups (which ones suffice is in props).
pub fn profile_criteria(level: &Level) -> BTreeSet<String> {
    level
        .requires_all
        .iter()
        .chain(level.at_least_all.iter().flat_map(|g| g.of.iter()))
        .cloned()
        .collect()
}

fn profile(scheme: &Scheme, level: &Level, modified: &str, href_base: &str) -> ProfileDocument {
    let title = match &level.title {
        Some(t) => format!("{}: level {} ({t})", scheme.title, level.rank),
        None => format!("{}: level {}", scheme.title, level.rank),
    };
    let mut meta = metadata(&title, &scheme.version, modified);
    prop(&mut meta.props, "scheme-id", &scheme.id);
    prop(&mut meta.props, "level", &level.rank.to_string());
    status_props(&mut meta.props, &level.status);
    for criterion in &level.requires_all {
        prop(&mut meta.props, "requires", criterion);
    }
    for group in &level.at_least_all {
        prop(
            &mut meta.props,
            "at-least",
            &format!("{} of {}", group.k, group.of.join(", ")),
        );
    }
    for (criterion, grounds) in &level.require_basis {
        prop(
            &mut meta.props,
            "require-basis",
            &format!("{criterion} {}", grounds.on.word()),
        );
        if let (Some(last), Some(note)) = (meta.props.last_mut(), &grounds.note) {
            last.remarks = Some(note.clone());
        }
    }
    let ids: Vec<String> = profile_criteria(level)
        .iter()
        .map(|c| control_id(c))
        .collect();
    let href = format!("{href_base}{}", catalog_path(scheme));
    let import = if ids.is_empty() {
        // A level that requires nothing: every control included, then excluded.
        Import {
            href,
            include_all: Some(IncludeAll {}),
            include_controls: Vec::new(),
            exclude_controls: scheme
                .criteria
                .is_empty()
                .then(Vec::new)
                .unwrap_or_else(|| {
                    vec![SelectControls {
                        with_ids: scheme.criteria.iter().map(|c| control_id(&c.id)).collect(),
                    }]
                }),
        }
    } else {
        Import {
            href,
            include_all: None,
            include_controls: vec![SelectControls { with_ids: ids }],
            exclude_controls: Vec::new(),
        }
    };
    ProfileDocument {
        profile: Profile {
            uuid: uuid(&format!("profile/{}/{}", scheme.key(), level.rank)),
            metadata: meta,
            imports: vec![import],
            merge: Merge { as_is: true },
        },
    }
}

/// OSCAL's relationship vocabulary (NIST IR 8477 set theory relationships).
fn relationship(r: Relationship) -> &'static str {
    match r {
        Relationship::Equal => "equal-to",
        Relationship::SubsetOf => "subset-of",
        Relationship::SupersetOf => "superset-of",
        Relationship::IntersectsWith => "intersects-with",
        Relationship::NoRelationship => "no-relationship",
    }
}

fn mapping_collection(
    from: &Scheme,
    to: &Scheme,
    recognitions: &[&Recognition],
    modified: &str,
    href_base: &str,
) -> MappingCollectionDocument {
    let title = format!("Recognitions: {} towards {}", from.key(), to.key());
    let mut meta = metadata(&title, &to.version, modified);
    prop(&mut meta.props, "from-scheme", &from.key());
    prop(&mut meta.props, "to-scheme", &to.key());
    // One mapping per source resource: the catalog for criteria, a level's
    // profile for "holding level N".
    let mut mappings: Vec<Mapping> = Vec::new();
    let target = ResourceReference {
        kind: "catalog".to_string(),
        href: format!("{href_base}{}", catalog_path(to)),
    };
    for recognition in recognitions {
        let (source_resource, sources) = match (recognition.from.level, &recognition.from.criterion)
        {
            (Some(rank), _) => {
                let level = from.levels.iter().find(|l| l.rank == rank);
                let resource = ResourceReference {
                    kind: "profile".to_string(),
                    href: match level {
                        Some(level) => format!("{href_base}{}", profile_path(from, level)),
                        None => format!("{href_base}{}", catalog_path(from)),
                    },
                };
                let items = level.map(profile_criteria).unwrap_or_default();
                (resource, items.into_iter().collect::<Vec<_>>())
            }
            (None, Some(criterion)) => (
                ResourceReference {
                    kind: "catalog".to_string(),
                    href: format!("{href_base}{}", catalog_path(from)),
                },
                vec![criterion.clone()],
            ),
            (None, None) => continue,
        };
        let targets: Vec<MappingItem> = recognition
            .credits
            .iter()
            .filter(|c| to.criteria.iter().any(|k| k.id == **c))
            .map(|c| MappingItem {
                kind: "control".to_string(),
                id_ref: control_id(c),
            })
            .collect();
        if sources.is_empty() || targets.is_empty() {
            continue;
        }
        let key = format!("map/{}/{}/{}", from.key(), to.key(), recognition.id);
        let map = recognition_map(recognition, &key, sources, targets);
        match mappings
            .iter_mut()
            .find(|m| m.source_resource == source_resource)
        {
            Some(mapping) => mapping.maps.push(map),
            None => mappings.push(Mapping {
                uuid: uuid(&format!(
                    "mapping/{}/{}/{}",
                    from.key(),
                    to.key(),
                    source_resource.href
                )),
                source_resource,
                target_resource: target.clone(),
                maps: vec![map],
            }),
        }
    }
    MappingCollectionDocument {
        mapping_collection: MappingCollection {
            uuid: uuid(&format!("mapping-collection/{}/{}", from.key(), to.key())),
            metadata: meta,
            provenance: Provenance {
                method: "human".to_string(),
                matching_rationale: "semantic".to_string(),
                status: "complete".to_string(),
                mapping_description: format!(
                    "The recognitions of the labelc policies that credit {} criteria to holders \
                     of {}; each map is one recognition, its status and credit in props.",
                    to.key(),
                    from.key()
                ),
            },
            mappings,
        },
    }
}

fn recognition_map(
    r: &Recognition,
    key: &str,
    sources: Vec<String>,
    targets: Vec<MappingItem>,
) -> Map {
    let mut props = Vec::new();
    prop(&mut props, "recognition-id", &r.id);
    let credit = match r.credit {
        Credit::Full => "full",
        Credit::Partial => "partial",
        Credit::None => "none",
    };
    prop(&mut props, "credit", credit);
    let status = match r.status {
        RecognitionStatus::Official => "official",
        RecognitionStatus::Proposed => "proposed",
        RecognitionStatus::Assumed => "assumed",
    };
    prop(&mut props, "recognition-status", status);
    if let Some(rank) = r.from.level {
        prop(&mut props, "from-level", &rank.to_string());
    }
    if let Some(source) = &r.source {
        prop(&mut props, "source", source);
    }
    if let Some(date) = &r.valid_from {
        prop(&mut props, "valid-from", date);
    }
    if let Some(date) = &r.valid_until {
        prop(&mut props, "valid-until", date);
        if r.valid_until_basis.is_some() {
            basis_prop(
                &mut props,
                "valid-until-basis",
                r.valid_until_basis.as_ref(),
            );
        }
    }
    basis_prop(&mut props, "basis", r.basis.as_ref());
    if let AppliesTo::Categories { ids } = &r.applies_to {
        for id in ids {
            prop(&mut props, "applies-to", id);
        }
    }
    for id in &r.except {
        prop(&mut props, "except", id);
    }
    for line in &r.verify {
        prop(&mut props, "verify", line);
    }
    if r.condition.is_some() {
        prop(&mut props, "has-condition", "true");
    }
    Map {
        uuid: uuid(key),
        relationship: relationship(r.relationship).to_string(),
        sources: sources
            .iter()
            .map(|c| MappingItem {
                kind: "control".to_string(),
                id_ref: control_id(c),
            })
            .collect(),
        targets,
        props,
        remarks: r.title.clone(),
    }
}
