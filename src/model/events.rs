//! A time-ordered event queue for the breaker simulation: earliest time first, ties in the order the events were
//! scheduled (sequence numbers), so runs are deterministic. The scaling engine and the chain use the smaller
//! [`TimeHeap`](crate::model::engine::heap::TimeHeap) of 16-byte events instead: their heaps are their hot paths,
//! and their events fit in 16 bytes (the breaker's carry a time of their own).

/// An event: its order key (time and sequence number in one integer, see [`key`]) and its kind.
#[derive(Clone, Copy)]
struct Entry<K> {
    key: u128,
    kind: K,
}

/// The order key of an event at `t` scheduled `seq`-th: comparing keys compares times as `f64::total_cmp` does,
/// then sequence numbers, in one integer comparison. The time is in the high half, its bits mapped so that their
/// unsigned order is the floats' total order (negative floats' bits reversed, the sign bit flipped). One
/// integer comparison per step instead of two float ones: the same results, faster (docs/performance.md).
fn key(t: f64, seq: u64) -> u128 {
    let bits = t.to_bits();
    let ordered = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    (ordered as u128) << 64 | seq as u128
}

/// The time of a key.
fn time(key: u128) -> f64 {
    let ordered = (key >> 64) as u64;
    f64::from_bits(if ordered >> 63 == 1 { ordered & !(1 << 63) } else { !ordered })
}

/// Events of kind `K` at times [s], in a binary min-heap of their keys. Its own heap rather than std's
/// `BinaryHeap`, whose sift stayed a call at opt-level "s" (the browser build; a call in V8's wasm code stores and
/// reloads the loop's live values): the same order to the bit (keys are unique, so any heap gives them in the same
/// order).
pub struct EventQueue<K> {
    heap: Vec<Entry<K>>,
    seq: u64,
}

impl<K> Default for EventQueue<K> {
    fn default() -> Self {
        EventQueue { heap: Vec::new(), seq: 0 }
    }
}

impl<K: Copy> EventQueue<K> {
    /// Schedules `kind` at `t`: placed at the end and moved up past every later parent.
    #[inline(always)]
    pub fn push(&mut self, t: f64, kind: K) {
        let e = Entry { key: key(t, self.seq), kind };
        self.seq += 1;
        self.heap.push(e);
        self.rise(self.heap.len() - 1, e);
    }

    /// Places `e` at the hole `i` or above it, moving every later parent down.
    #[inline(always)]
    fn rise(&mut self, mut i: usize, e: Entry<K>) {
        let v = &mut self.heap;
        while i > 0 {
            let parent = (i - 1) / 2;
            if e.key >= v[parent].key {
                break;
            }
            v[i] = v[parent];
            i = parent;
        }
        v[i] = e;
    }

    /// Time of the next event, or infinity when there is none.
    #[inline(always)]
    pub fn next_time(&self) -> f64 {
        self.heap.first().map_or(f64::INFINITY, |e| time(e.key))
    }

    /// Takes the next event: the hole at the top walks down along the earlier child to a leaf, and the last entry
    /// moves up from there (as std's `BinaryHeap::pop`: fewer comparisons than sifting the last entry down).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(f64, K)> {
        let last = self.heap.pop()?;
        let v = &mut self.heap;
        let Some(&top) = v.first() else {
            return Some((time(last.key), last.kind));
        };
        let n = v.len();
        let (mut i, mut c) = (0, 1);
        // The earlier of two children by adding the comparison, not by a branch: which one it is is a coin toss
        // (a branch here made the run without the breaker, whose retries fill a heap of thousands, 21 % slower).
        while c + 1 < n {
            c += (v[c + 1].key < v[c].key) as usize;
            v[i] = v[c];
            i = c;
            c = 2 * i + 1;
        }
        if c + 1 == n {
            v[i] = v[c];
            i = c;
        }
        self.rise(i, last);
        Some((time(top.key), top.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_order() {
        let mut q = EventQueue::default();
        q.push(2.0, "c");
        q.push(1.0, "a");
        q.push(2.0, "d");
        q.push(1.0, "b");
        assert_eq!(q.next_time(), 1.0);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, k)| k).collect();
        assert_eq!(order, vec!["a", "b", "c", "d"]);
        assert_eq!(q.next_time(), f64::INFINITY);
    }

    #[test]
    fn keys_order_as_total_cmp_then_sequence_and_give_the_time_back() {
        let ts = [-1e300, -2.5, -0.0, 0.0, 1e-310, 0.1, 1.0, 1.5, 86_400.0, 1e300, f64::INFINITY];
        for &a in &ts {
            assert_eq!(time(key(a, 7)).to_bits(), a.to_bits());
            for &b in &ts {
                for (sa, sb) in [(1, 2), (2, 1), (3, 3)] {
                    let want = a.total_cmp(&b).then(sa.cmp(&sb));
                    assert_eq!(key(a, sa).cmp(&key(b, sb)), want, "{a} {sa} vs {b} {sb}");
                }
            }
        }
    }

    #[test]
    fn many_events_come_out_in_the_order_of_a_sorted_set() {
        // Pseudo-random times with many ties, pushes and pops interleaved, against an ordered set of the same keys
        // (whose order against total_cmp the test above checks).
        let mut q = EventQueue::default();
        let mut reference = std::collections::BTreeSet::new();
        let (mut x, mut now) = (12345u64, 0.0);
        for i in 0..50_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = now + (x % 50) as f64 * 0.25;
            q.push(t, i);
            reference.insert((key(t, i), i));
            if x % 3 != 0 {
                let (t, k) = q.pop().unwrap();
                let (kr, i) = reference.pop_first().unwrap();
                assert_eq!((t, k), (time(kr), i));
                now = t;
            }
            assert_eq!(q.next_time(), reference.first().map_or(f64::INFINITY, |e| time(e.0)));
        }
        while let Some((t, k)) = q.pop() {
            assert_eq!(reference.pop_first().map(|(kr, i)| (time(kr), i)), Some((t, k)));
        }
        assert!(reference.is_empty());
    }
}
