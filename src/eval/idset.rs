//! [`IdSet`]: the interned string ids an `in` or `subset_of` list allows,
//! tested by one bit.

/// The string ids an `in` or `subset_of` list allows. Membership is one
/// bit test: the constants of one list are interned together, so their ids
/// span a short range, kept as a bitmap from the smallest id on. A list
/// whose ids span more than [`IdSet::MAX_SPAN`] is searched instead.
#[derive(Debug, Default)]
pub struct IdSet {
    /// Sorted, without duplicates.
    ids: Vec<u32>,
    base: u32,
    /// Bit `i` is set when `base + i` is in the set; empty when searched.
    bits: Vec<u64>,
}

impl IdSet {
    /// The widest span of ids kept as a bitmap (64 words).
    pub const MAX_SPAN: u32 = 4096;

    pub fn new(mut ids: Vec<u32>) -> IdSet {
        ids.sort_unstable();
        ids.dedup();
        let (Some(&base), Some(&last)) = (ids.first(), ids.last()) else {
            return IdSet::default();
        };
        let span = last - base;
        let mut bits = Vec::new();
        if span < Self::MAX_SPAN {
            bits = vec![0u64; span as usize / 64 + 1];
            for id in &ids {
                let offset = id - base;
                if let Some(word) = bits.get_mut(offset as usize / 64) {
                    *word |= 1 << (offset % 64);
                }
            }
        }
        IdSet { ids, base, bits }
    }

    #[inline(always)]
    pub fn contains(&self, id: u32) -> bool {
        if self.bits.is_empty() {
            return self.ids.binary_search(&id).is_ok();
        }
        let Some(offset) = id.checked_sub(self.base) else {
            return false;
        };
        self.bits
            .get(offset as usize / 64)
            .is_some_and(|word| (word >> (offset % 64)) & 1 == 1)
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
}

#[cfg(test)]
mod tests {
    use super::IdSet;
    use crate::eval::program::OTHER;

    /// Bitmap and search agree with a plain list, at the edges of words and spans.
    #[test]
    fn an_id_set_holds_exactly_its_ids() {
        let lists: [&[u32]; 6] = [
            &[],
            &[0],
            &[5, 3, 3, 70, 63, 64],
            &[100, 101, 102],
            &[7, 7 + IdSet::MAX_SPAN - 1],
            &[7, 7 + IdSet::MAX_SPAN, 20_000],
        ];
        for list in lists {
            let set = IdSet::new(list.to_vec());
            let mut ids = list.to_vec();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(set.ids(), ids.as_slice());
            for id in (0..=25_000).chain([OTHER, OTHER - 1]) {
                assert_eq!(set.contains(id), list.contains(&id), "{id} in {list:?}");
            }
        }
        assert!(!IdSet::new(vec![7, 7 + IdSet::MAX_SPAN - 1]).bits.is_empty());
        assert!(IdSet::new(vec![7, 7 + IdSet::MAX_SPAN]).bits.is_empty());
    }
}
