//! An unchecked table: the engine's hot-path storage.

/// A table the event loop indexes on every step (instances, requests, bins, the event heap, creation ranks), without
/// bounds checks in release builds. Every index into one is below its length by construction: the instance and
/// request tables never shrink and their slots are pushed or taken from their free lists, bins are clamped to the
/// last one, heap positions are computed below the heap's length, and only issued ranks are marked. The checks cost
/// about a tenth of the engine's instructions (docs/performance.md); debug builds, and so the property tests, keep
/// them.
#[derive(Debug, Clone)]
pub struct Table<T>(pub Vec<T>);

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<T> std::ops::Deref for Table<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Table<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> std::ops::Index<usize> for Table<T> {
    type Output = T;
    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        debug_assert!(i < self.0.len(), "index {i} out of a table of {}", self.0.len());
        // SAFETY: `i < len` by the construction described above, checked in debug builds.
        unsafe { self.0.get_unchecked(i) }
    }
}

impl<T> std::ops::IndexMut<usize> for Table<T> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        debug_assert!(i < self.0.len(), "index {i} out of a table of {}", self.0.len());
        // SAFETY: as for `index`.
        unsafe { self.0.get_unchecked_mut(i) }
    }
}
