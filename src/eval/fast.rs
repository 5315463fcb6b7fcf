//! The fast path for reading a product line: a byte scanner for the common,
//! plain shape of a product (no escapes in strings, integers rather than
//! fractions, every fact known and of its declared type). It builds exactly
//! the [`Record`] the serde reader ([`super::RecordSeed`]) builds for the
//! same line, without the visitor round trip per key and value. Anything
//! else — an escape, a fraction, an unknown key, a type mismatch, a duplicate,
//! a holding, a `category` key that names no scheme, malformed JSON — returns
//! `None`, and the caller reads the line with serde, which then gives the
//! usual value or the usual error. So the fast path
//! never decides an error, and a test checks it agrees with serde.

use std::borrow::Cow;

use super::product::{Record, Val};
use super::program::{Program, SlotType, parse_date, small_key};

/// Reads `line` when it has the plain shape; `None` means "use serde".
pub fn read<'de>(program: &Program<'_>, line: &'de str) -> Option<Record<'de>> {
    let mut s = Scanner {
        text: line,
        bytes: line.as_bytes(),
        at: 0,
    };
    let mut id = None;
    let mut category = None;
    let mut holds = None;
    let mut values = None;
    let mut items = Vec::with_capacity(64);
    s.expect(b'{')?;
    if !s.eat(b'}') {
        loop {
            let key = s.string()?;
            s.expect(b':')?;
            match key {
                "id" if id.is_none() => id = Some(s.string()?),
                "category" if category.is_none() => category = Some(s.category(program)?),
                // Holdings are parsed and checked by the serde reader.
                "holds" if holds.is_none() && s.strings()?.is_empty() => holds = Some(()),
                "facts" if values.is_none() => values = Some(s.facts(program, &mut items)?),
                _ => return None,
            }
            if !s.next_member(b'}')? {
                break;
            }
        }
    }
    s.end()?;
    Some(Record {
        id: Cow::Borrowed(id?),
        category: category?.map(Cow::Borrowed),
        holds: Vec::new(),
        values: values.unwrap_or_else(|| vec![Val::Missing; program.slots.len()]),
        items,
    })
}

struct Scanner<'de> {
    text: &'de str,
    bytes: &'de [u8],
    at: usize,
}

impl<'de> Scanner<'de> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        // The usual case, no whitespace before the byte, skips no spaces.
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            return true;
        }
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// After a member or element: `,` (another follows) or `close` (done).
    fn next_member(&mut self, close: u8) -> Option<bool> {
        let next = match self.bytes.get(self.at) {
            Some(&b) if b > b' ' => b,
            _ => self.peek()?,
        };
        match next {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b if b == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Only whitespace may follow the product.
    fn end(&mut self) -> Option<()> {
        self.skip_space();
        (self.at == self.bytes.len()).then_some(())
    }

    /// A string without escapes or control characters, borrowed from the line.
    fn string(&mut self) -> Option<&'de str> {
        self.expect(b'"')?;
        self.string_body()
    }

    /// The fact name at the `position`-th key of `facts`, as its slot. The
    /// name the slot had at this position in the previous product is tried
    /// first, by comparing bytes in place (no scan for the closing quote).
    fn fact_key(&mut self, program: &Program<'_>, position: usize) -> Option<u32> {
        self.expect(b'"')?;
        let predicted = program
            .key_order
            .get(position)
            .map(|p| p.load(std::sync::atomic::Ordering::Relaxed));
        if let Some(slot) = predicted
            && let Some(info) = program.slots.get(slot as usize)
        {
            let name = info.name.as_bytes();
            let end = self.at + name.len();
            if self.bytes.get(self.at..end) == Some(name) && self.bytes.get(end) == Some(&b'"') {
                self.at = end + 1;
                return Some(slot);
            }
        }
        let name = self.string_body()?;
        program.slot_of(name, position)
    }

    /// A string with its [`small_key`] (`None` past 7 bytes), packed from
    /// the eight bytes at the string's start instead of by a copy.
    fn keyed_string(&mut self) -> Option<(&'de str, Option<u64>)> {
        self.expect(b'"')?;
        let start = self.at;
        // A string of up to 7 bytes ends in the first word: one test finds
        // its end, and the same word, masked, is its key.
        if let Some(x) = word_at(self.bytes, start) {
            let found = special_bytes(x);
            if found != 0 {
                let len = (found.trailing_zeros() / 8) as usize;
                if self.bytes.get(start + len) != Some(&b'"') {
                    return None;
                }
                let text = self.text.get(start..start + len)?;
                self.at = start + len + 1;
                let mask = (1u64 << (8 * len)) - 1;
                return Some((text, Some((x & mask) | ((len as u64) << 56))));
            }
        }
        let text = self.string_body()?;
        let len = text.len();
        if len > 7 {
            return Some((text, None));
        }
        // Near the end of the line, where no whole word follows the start.
        Some((text, small_key(text)))
    }

    /// The rest of a string whose opening quote has been read.
    fn string_body(&mut self) -> Option<&'de str> {
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let len = string_end(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.at = start + len + 1;
        self.text.get(start..start + len)
    }

    /// `"a", "b"` inside `[ … ]`.
    fn strings(&mut self) -> Option<Vec<Cow<'de, str>>> {
        self.expect(b'[')?;
        let mut out = Vec::new();
        if self.eat(b']') {
            return Some(out);
        }
        loop {
            out.push(Cow::Borrowed(self.string()?));
            if !self.next_member(b']')? {
                return Some(out);
            }
        }
    }

    /// `"camera"` or `{"ccl": "camera", …}`: the category for the program's scheme.
    fn category(&mut self, program: &Program<'_>) -> Option<Option<&'de str>> {
        if self.peek()? == b'"' {
            return Some(Some(self.string()?));
        }
        self.expect(b'{')?;
        let mut found = None;
        if self.eat(b'}') {
            return Some(found);
        }
        loop {
            let scheme = self.string()?;
            self.expect(b':')?;
            let category = self.string()?;
            if scheme == program.scheme.id {
                found = Some(category);
            } else if !super::product::is_scheme_id(program.rules, scheme) {
                return None;
            }
            if !self.next_member(b'}')? {
                return Some(found);
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        self.skip_space();
        let end = self.at + word.len();
        if self.bytes.get(self.at..end) == Some(word)
            && !self
                .bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            self.at = end;
            true
        } else {
            false
        }
    }

    /// An integer that fits in an `i64`, written as JSON writes it (no
    /// leading zeros, no fraction, no exponent, no `-0`).
    fn integer(&mut self) -> Option<i64> {
        self.skip_space();
        let start = self.at;
        let negative = self.bytes.get(start) == Some(&b'-');
        let digits_start = start + usize::from(negative);
        // A number of more than 18 digits is declined below, so a value
        // taken has not wrapped.
        let mut magnitude: i64 = 0;
        let mut digits = 0;
        for &b in self.bytes.get(digits_start..)? {
            if !b.is_ascii_digit() {
                break;
            }
            magnitude = magnitude.wrapping_mul(10).wrapping_add(i64::from(b - b'0'));
            digits += 1;
        }
        let end = digits_start + digits;
        let leading_zero = digits > 1 && self.bytes.get(digits_start) == Some(&b'0');
        let minus_zero = negative && digits == 1 && self.bytes.get(digits_start) == Some(&b'0');
        if digits == 0 || digits > 18 || leading_zero || minus_zero {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(end) {
            return None;
        }
        self.at = end;
        Some(if negative { -magnitude } else { magnitude })
    }

    fn facts(
        &mut self,
        program: &Program<'_>,
        items: &mut Vec<(u32, Cow<'de, str>)>,
    ) -> Option<Vec<Val<'de>>> {
        let slots = &program.slots;
        let mut values = vec![Val::Missing; slots.len()];
        let mut named = vec![false; slots.len()];
        self.expect(b'{')?;
        if self.eat(b'}') {
            return Some(values);
        }
        let mut position = 0;
        loop {
            let slot = self.fact_key(program, position)?;
            self.expect(b':')?;
            position += 1;
            let seen = named.get_mut(slot as usize)?;
            if std::mem::replace(seen, true) {
                return None;
            }
            let info = slots.get(slot as usize)?;
            let value = if self.peek() == Some(b'n') && self.literal(b"null") {
                Val::Missing
            } else {
                match info.ty {
                    SlotType::Bool => {
                        if self.literal(b"true") {
                            Val::Bool(true)
                        } else if self.literal(b"false") {
                            Val::Bool(false)
                        } else {
                            return None;
                        }
                    }
                    SlotType::Int => Val::Int(self.integer()?),
                    SlotType::Decimal => Val::Number(self.integer()? as f64),
                    SlotType::String => {
                        let (text, key) = self.keyed_string()?;
                        Val::Str(program.intern_keyed(info, text, key), Cow::Borrowed(text))
                    }
                    SlotType::Date => Val::Date(parse_date(self.string()?)?),
                    SlotType::Enum => Val::Enum(*info.values.get(self.string()?)?),
                    SlotType::Set => {
                        let start = items.len();
                        self.expect(b'[')?;
                        if !self.eat(b']') {
                            loop {
                                let (text, key) = self.keyed_string()?;
                                let id = program.intern_keyed(info, text, key);
                                items.push((id, Cow::Borrowed(text)));
                                if !self.next_member(b']')? {
                                    break;
                                }
                            }
                        }
                        let len = u32::try_from(items.len() - start).ok()?;
                        Val::Set(u32::try_from(start).ok()?, len)
                    }
                }
            };
            if let Some(place) = values.get_mut(slot as usize) {
                *place = value;
            }
            if !self.next_member(b'}')? {
                return Some(values);
            }
        }
    }
}

/// The index of the first `"`, `\\` or control character in `bytes`: eight
/// bytes at a time (a word with none of them is skipped whole), then the
/// bytes of the word that has one.
#[inline(always)]
pub(super) fn string_end(bytes: &[u8]) -> Option<usize> {
    let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = special_bytes(u64::from_le_bytes(word));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| special(b))
        .map(|i| offset + i)
}

/// Eight bytes from `at`, as a little-endian word.
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes.get(at..at + 8)?);
    Some(u64::from_le_bytes(word))
}

/// The high bit of each byte of `x` that is a quote, a backslash or a
/// control character; above the lowest one, a flag may be false (a borrow
/// runs upwards from a flagged byte), so only the lowest flag is exact: it
/// marks the first special byte.
#[inline(always)]
fn special_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    // A byte below 0x20 (exact for a limit up to 0x80), a quote, a backslash.
    (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
        | has_zero(x ^ (ONES * u64::from(b'"')))
        | has_zero(x ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    use super::string_end;

    fn naive(bytes: &[u8]) -> Option<usize> {
        bytes
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
    }

    #[test]
    fn the_word_scan_finds_what_the_byte_scan_finds() {
        // Every position of each special byte in runs of plain, high and edge bytes.
        let fillers: [u8; 6] = [b'a', 0x7f, 0x80, 0xe6, 0x20, b'!'];
        let specials: [u8; 5] = [b'"', b'\\', 0x00, 0x1f, b'\n'];
        for len in 0..40 {
            for filler in fillers {
                let plain = vec![filler; len];
                assert_eq!(string_end(&plain), naive(&plain));
                for at in 0..len {
                    for special in specials {
                        let mut bytes = plain.clone();
                        bytes[at] = special;
                        assert_eq!(string_end(&bytes), Some(at), "{bytes:?}");
                    }
                }
            }
        }
    }
}
