//! Creation ranks of instances and the set of idle ones among them, for the newest-created idle choice (SimFaaS).
//!
//! Each instance gets a rank when it is created, ascending with creation, so the newest-created idle instance is
//! the idle one of highest rank. The idle ranks are bits of a three-level bitset (64 × 64 × 64 = 262,144 ranks):
//! marking or unmarking an instance is a few word operations without data-dependent branches, and finding the
//! newest is three leading-zero counts, whatever the number of idle instances. It replaced a list of creation
//! numbers kept sorted by insertion from its end, whose walk was a tenth of the engine's work (docs/performance.md).
//!
//! Ranks are issued up to the bitset's size; when they run out, the live instances are renumbered 0, 1, … in the
//! same order ([`Ranks::renumber`]), which changes no choice. At most 100,000 instances are alive
//! (`ScalingParams::validate`), so a renumbering frees at least 162,144 ranks: its cost, one pass over the
//! ranks, is spread over as many creations.

use super::table::Table;

/// Ranks the bitset holds.
pub const RANKS: usize = 1 << 18;

/// Issued ranks, the instance of each, and which of them are idle.
#[derive(Debug, Clone)]
pub struct Ranks {
    /// Ranks issued before a renumbering: [`RANKS`], or fewer in tests (so they renumber often).
    limit: usize,
    /// Bit m: `mid[m]` is not zero.
    top: u64,
    /// Bit b of `mid[m]`: `words[64·m + b]` is not zero.
    mid: Table<u64>,
    /// Bit b of `words[w]`: rank 64·w + b is idle.
    words: Table<u64>,
    /// The instance (its slot in the instance table) each issued rank was given to; a slot is reused after its
    /// instance dies, so an entry is current only while that slot's instance still has this rank.
    slots: Table<u32>,
    /// Renumberings so far.
    pub renumbered: u32,
}

impl Default for Ranks {
    fn default() -> Self {
        Ranks::with_limit(RANKS)
    }
}

impl Ranks {
    /// An empty set that renumbers after `limit` ranks (at most [`RANKS`]).
    pub fn with_limit(limit: usize) -> Self {
        debug_assert!(limit <= RANKS);
        Ranks { limit, top: 0, mid: Table::default(), words: Table::default(), slots: Table::default(), renumbered: 0 }
    }

    /// Whether every rank has been issued (the caller renumbers before issuing more).
    #[inline(always)]
    pub fn full(&self) -> bool {
        self.slots.len() == self.limit
    }

    /// Issues the next rank to the instance in `slot`; the set must not be [`full`](Self::full).
    #[inline]
    pub fn issue(&mut self, slot: u32) -> u32 {
        debug_assert!(!self.full());
        let r = self.slots.len();
        self.slots.push(slot);
        if r.is_multiple_of(64) {
            self.words.push(0);
            if r.is_multiple_of(64 * 64) {
                self.mid.push(0);
            }
        }
        r as u32
    }

    /// The instance that was given rank `r`.
    #[inline(always)]
    pub fn slot(&self, r: u32) -> u32 {
        self.slots[r as usize]
    }

    /// Marks issued rank `r` idle (an unissued one would index past the words).
    #[inline(always)]
    pub fn insert(&mut self, r: u32) {
        debug_assert!((r as usize) < self.slots.len());
        let (w, m) = (r as usize / 64, r as usize / (64 * 64));
        self.words[w] |= 1 << (r % 64);
        self.mid[m] |= 1 << (w % 64);
        self.top |= 1 << m;
    }

    /// Unmarks issued rank `r`. The upper levels are cleared by masks, not branches: whether a word empties is a
    /// coin toss a branch would mispredict.
    #[inline(always)]
    pub fn remove(&mut self, r: u32) {
        debug_assert!((r as usize) < self.slots.len());
        let (w, m) = (r as usize / 64, r as usize / (64 * 64));
        let word = self.words[w] & !(1 << (r % 64));
        self.words[w] = word;
        let mid = self.mid[m] & !(((word == 0) as u64) << (w % 64));
        self.mid[m] = mid;
        self.top &= !(((mid == 0) as u64) << m);
    }

    /// The highest idle rank, if any.
    #[inline(always)]
    pub fn max(&self) -> Option<u32> {
        if self.top == 0 {
            return None;
        }
        let m = 63 - self.top.leading_zeros() as usize;
        let w = 64 * m + 63 - self.mid[m].leading_zeros() as usize;
        Some((64 * w + 63 - self.words[w].leading_zeros() as usize) as u32)
    }

    /// Renumbers the live instances 0, 1, … in rank order and forgets the rest. For each issued rank in order,
    /// `renew(slot, old, new)` is asked about the instance it was given: if that slot still holds a live instance of
    /// rank `old`, it gives the instance rank `new` and returns whether it is idle; otherwise it returns `None`.
    pub fn renumber(&mut self, mut renew: impl FnMut(u32, u32, u32) -> Option<bool>) {
        let old = std::mem::take(&mut self.slots);
        *self = Ranks {
            slots: Table(Vec::with_capacity(old.len())),
            renumbered: self.renumbered + 1,
            ..Ranks::with_limit(self.limit)
        };
        for (r, &slot) in old.iter().enumerate() {
            if let Some(idle) = renew(slot, r as u32, self.slots.len() as u32) {
                let new = self.issue(slot);
                if idle {
                    self.insert(new);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dist::rng;
    use rand::Rng;
    use std::collections::BTreeSet;

    #[test]
    fn gives_the_highest_idle_rank_as_a_sorted_set_does() {
        // Random marks and unmarks over ranks spanning several words and mid words, checked against a BTreeSet.
        let mut r = rng(5, 0);
        let mut ranks = Ranks::default();
        for s in 0..20_000 {
            assert_eq!(ranks.issue(s), s);
        }
        let mut idle = BTreeSet::new();
        for _ in 0..200_000 {
            let k = if r.random::<f64>() < 0.3 { r.random_range(0..20_000) } else { r.random_range(19_000..20_000) };
            if idle.contains(&k) {
                ranks.remove(k);
                idle.remove(&k);
            } else {
                ranks.insert(k);
                idle.insert(k);
            }
            assert_eq!(ranks.max(), idle.last().copied());
            if r.random::<f64>() < 0.01 {
                // Take the newest, as the engine does.
                if let Some(m) = ranks.max() {
                    ranks.remove(m);
                    idle.remove(&m);
                }
            }
        }
        while let Some(m) = ranks.max() {
            assert_eq!(Some(m), idle.pop_last());
            ranks.remove(m);
        }
        assert!(idle.is_empty() && ranks.top == 0);
    }

    #[test]
    fn renumbering_keeps_the_order_of_live_instances() {
        // Slots 0..9 created in turn, then 3 and 7 die and their slots are reused by two newer instances.
        let mut ranks = Ranks::default();
        let mut rank_of: Vec<Option<u32>> = (0..10).map(|s| Some(ranks.issue(s))).collect();
        rank_of[3] = Some(ranks.issue(3));
        rank_of[7] = None;
        let idle = [1, 3, 8];
        for &s in &idle {
            ranks.insert(rank_of[s].unwrap());
        }
        let before: Vec<u32> = (0..10u32).filter(|&s| rank_of[s as usize].is_some()).collect();
        let mut order_before = before.clone();
        order_before.sort_by_key(|&s| rank_of[s as usize]);
        assert_eq!(ranks.slot(ranks.max().unwrap()), 3);
        let mut new = rank_of.clone();
        ranks.renumber(|s, old, r| {
            (rank_of[s as usize] == Some(old)).then(|| {
                new[s as usize] = Some(r);
                idle.contains(&(s as usize))
            })
        });
        // Nine live instances, ranks 0..8 in the old order; slot 3 (recreated last) is now the newest.
        let mut order_after = before.clone();
        order_after.sort_by_key(|&s| new[s as usize]);
        assert_eq!(order_after, order_before);
        assert_eq!(
            order_after.iter().map(|&s| new[s as usize].unwrap()).collect::<Vec<_>>(),
            (0..9).collect::<Vec<_>>()
        );
        assert_eq!(ranks.slots.len(), 9);
        assert_eq!(ranks.slot(ranks.max().unwrap()), 3);
        ranks.remove(new[3].unwrap());
        assert_eq!(ranks.slot(ranks.max().unwrap()), 8);
    }
}
