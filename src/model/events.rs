//! A time-ordered event queue for the breaker and chain simulations: earliest time first, ties in the order the
//! events were scheduled (sequence numbers), so runs are deterministic. The scaling engine keeps its own 16-byte
//! event type: its heap is the hot path, and the smaller entry measurably speeds it up.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<K> {
    t: f64,
    seq: u64,
    kind: K,
}

impl<K> PartialEq for Entry<K> {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl<K> Eq for Entry<K> {}
impl<K> PartialOrd for Entry<K> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<K> Ord for Entry<K> {
    // Reversed: BinaryHeap is a max-heap and the earliest (time, sequence) must come out first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

/// Events of kind `K` at times [s].
pub struct EventQueue<K> {
    heap: BinaryHeap<Entry<K>>,
    seq: u64,
}

impl<K> Default for EventQueue<K> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), seq: 0 }
    }
}

impl<K> EventQueue<K> {
    /// Schedules `kind` at `t`.
    pub fn push(&mut self, t: f64, kind: K) {
        self.heap.push(Entry { t, seq: self.seq, kind });
        self.seq += 1;
    }

    /// Time of the next event, or infinity when there is none.
    pub fn next_time(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |e| e.t)
    }

    /// Takes the next event.
    pub fn pop(&mut self) -> Option<(f64, K)> {
        self.heap.pop().map(|e| (e.t, e.kind))
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
}
