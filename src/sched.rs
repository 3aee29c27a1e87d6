//! The worker pool's decisions, as a plain type: which waiting part of which model's run starts next, in which slot,
//! and what waits. No browser here: the page's adapter (`ui::compute`) passes in the number of cores and the clock,
//! starts the workers this pool picks and reports back when they are done. The rules:
//! - One core is left to the page. On a two-core machine the second core takes a worker too, except while a run of
//!   the lead model (priority 0 in the registry: the scaling run, the chart a reader looks at first) is under way
//!   and nothing of it waits: sharing the cores slows it down.
//! - A lower priority number starts first; among equal ones, the model with the least expected work left to
//!   start, its parts side by side (so the short models' charts come first and the long ones keep every slot busy).
//! - With every slot taken, a part expected to take under [`EXPRESS_MS`] still starts in one slot more, so an edit
//!   elsewhere redraws without waiting for a long run; not while a lead run that ends sooner holds a slot.
//! - A part that another model's whole run under way will give ([`crate::model::plan::given_piece`]) waits for that
//!   result instead of a slot.
//! - A newer edit cancels a run with more than [`SUPERSEDE_MS`] left ([`supersedes`]); a worker silent for
//!   [`SILENT_MS`] (and three times its part's expected time) has stopped answering ([`Pool::silent`]).
//!
//! The measurements behind these rules are in docs/performance.md.

use crate::model::registry::ModelKind;

pub mod lane;

/// A part expected to take less than this may start when every slot is taken, in one slot more [ms].
pub const EXPRESS_MS: f64 = 250.0;
/// A running run with more than this left is cancelled by a newer edit; a shorter one finishes first [ms].
pub const SUPERSEDE_MS: f64 = 1000.0;
/// A worker silent for this long, and for three times its part's expected time, has stopped answering [ms]
/// (a running model reports its progress every 0.2 % of its work, at most every 100 ms).
pub const SILENT_MS: f64 = 60_000.0;

/// What a newer edit does to a run that is under way and expected to end in `left_ms`: cancel it and start the new
/// one, or let it finish and run the new one next.
pub fn supersedes(left_ms: f64) -> bool {
    left_ms > SUPERSEDE_MS
}

/// A part in a worker.
#[derive(Debug, Clone, PartialEq)]
struct Running {
    kind: ModelKind,
    part: usize,
    /// When its worker last said something (it started, or reported progress) [ms].
    heard_ms: f64,
    estimate_ms: f64,
}

/// A part of a model's run waiting for a slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// Whose run.
    pub kind: ModelKind,
    /// Which part of it.
    pub part: usize,
    /// How long it is expected to take [ms].
    pub estimate_ms: f64,
    /// The model whose whole run gives this part, and that run's inputs, if another model's result gives it.
    pub given_by: Option<(ModelKind, String)>,
}

/// The slots and the line.
#[derive(Debug, Clone)]
pub struct Pool {
    cores: usize,
    running: Vec<Running>,
    /// A run of the lead model holds a slot, expected to end then [ms].
    lead_ends_ms: Option<f64>,
    waiting: Vec<Waiting>,
    /// Whole runs under way (model and inputs) whose results give parts of other models' runs.
    under_way: Vec<(ModelKind, String)>,
}

impl Pool {
    /// An empty pool on a machine with `cores` logical cores.
    pub fn new(cores: usize) -> Self {
        let cores = cores.max(1);
        Pool { cores, running: Vec::new(), lead_ends_ms: None, waiting: Vec::new(), under_way: Vec::new() }
    }

    /// Worker runs allowed at once: every core but one; on a two-core machine both, unless a lead run holds one
    /// and nothing of it waits.
    pub fn slots(&self) -> usize {
        let lead_waits = self.waiting.iter().any(|w| is_lead(w.kind));
        if self.lead_ends_ms.is_some() && !lead_waits {
            self.cores.saturating_sub(1).max(1)
        } else {
            self.all_slots()
        }
    }

    /// Worker runs allowed at once when no lead run holds a slot: the most a run is split into.
    pub fn all_slots(&self) -> usize {
        self.cores.saturating_sub(1).max(1).max(self.cores.min(2))
    }

    /// Slots taken.
    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// The parts waiting, in the order they were queued.
    pub fn waiting(&self) -> &[Waiting] {
        &self.waiting
    }

    /// Puts a part in line.
    pub fn queue(&mut self, w: Waiting) {
        self.waiting.push(w);
    }

    /// Takes every waiting part of `kind`'s run out of the line (the run was superseded or cancelled).
    pub fn withdraw(&mut self, kind: ModelKind) {
        self.waiting.retain(|w| w.kind != kind);
        self.under_way.retain(|(k, _)| *k != kind);
    }

    /// A whole run of `kind` for `inputs` is under way: parts that its result gives wait for it.
    pub fn run_under_way(&mut self, kind: ModelKind, inputs: String) {
        self.under_way.retain(|(k, _)| *k != kind);
        self.under_way.push((kind, inputs));
    }

    /// The run of `kind` under way ended (or was dropped): parts waiting for it wait for a slot again.
    pub fn run_ended(&mut self, kind: ModelKind) {
        self.under_way.retain(|(k, _)| *k != kind);
    }

    /// The waiting parts that a result of `kind` for `inputs` gives, taken out of the line.
    pub fn take_given(&mut self, kind: ModelKind, inputs: &str) -> Vec<Waiting> {
        let gives = |w: &Waiting| w.given_by.as_ref().is_some_and(|(k, i)| *k == kind && i == inputs);
        let given: Vec<Waiting> = self.waiting.iter().filter(|w| gives(w)).cloned().collect();
        self.waiting.retain(|w| !gives(w));
        given
    }

    /// The next part to start at `now_ms`, which takes a slot; `None` when nothing may start now.
    pub fn next(&mut self, now_ms: f64) -> Option<Waiting> {
        let slots = self.slots();
        let running = self.running.len();
        if running > slots {
            return None;
        }
        let left =
            |kind: ModelKind| -> f64 { self.waiting.iter().filter(|w| w.kind == kind).map(|w| w.estimate_ms).sum() };
        let waits_for_run = |w: &Waiting| {
            w.given_by.as_ref().is_some_and(|(k, i)| self.under_way.iter().any(|(uk, ui)| uk == k && ui == i))
        };
        let at = self
            .waiting
            .iter()
            .enumerate()
            .filter(|(_, w)| !waits_for_run(w))
            .min_by(|(_, a), (_, b)| {
                let pa = a.kind.model().priority();
                let pb = b.kind.model().priority();
                pa.cmp(&pb).then(left(a.kind).total_cmp(&left(b.kind))).then(a.part.cmp(&b.part))
            })?
            .0;
        if running == slots {
            let lead_soon = self.lead_ends_ms.is_some_and(|end| (now_ms..now_ms + EXPRESS_MS).contains(&end));
            if lead_soon || self.waiting[at].estimate_ms >= EXPRESS_MS {
                return None;
            }
        }
        let w = self.waiting.remove(at);
        self.running.push(Running { kind: w.kind, part: w.part, heard_ms: now_ms, estimate_ms: w.estimate_ms });
        if is_lead(w.kind) {
            self.lead_ends_ms = Some(now_ms + w.estimate_ms);
        }
        Some(w)
    }

    /// Gives back the slot of part `part` of `kind`'s run (it ended, or its answer will be ignored).
    pub fn free(&mut self, kind: ModelKind, part: usize) {
        if let Some(at) = self.running.iter().position(|r| r.kind == kind && r.part == part) {
            self.running.remove(at);
        }
        if is_lead(kind) && !self.running.iter().any(|r| r.kind == kind) {
            self.lead_ends_ms = None;
        }
    }

    /// Part `part` of `kind`'s run said something at `now_ms` (a progress report).
    pub fn heard(&mut self, kind: ModelKind, part: usize, now_ms: f64) {
        if let Some(r) = self.running.iter_mut().find(|r| r.kind == kind && r.part == part) {
            r.heard_ms = now_ms;
        }
    }

    /// The running parts whose workers have stopped answering at `now_ms`: silent for [`SILENT_MS`] and for three
    /// times their expected time. The adapter stops them and fails their runs.
    pub fn silent(&self, now_ms: f64) -> Vec<(ModelKind, usize)> {
        self.running
            .iter()
            .filter(|r| now_ms - r.heard_ms > SILENT_MS.max(3.0 * r.estimate_ms))
            .map(|r| (r.kind, r.part))
            .collect()
    }
}

/// Whether `kind` is a lead model (priority 0): the others wait while its run is under way on two cores.
fn is_lead(kind: ModelKind) -> bool {
    kind.model().priority() == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ModelKind::*;

    fn part(kind: ModelKind, part: usize, estimate_ms: f64) -> Waiting {
        Waiting { kind, part, estimate_ms, given_by: None }
    }

    /// Starts what may start at `now`, as the adapter does.
    fn pump(p: &mut Pool, now: f64) -> Vec<(ModelKind, usize)> {
        std::iter::from_fn(|| p.next(now)).map(|w| (w.kind, w.part)).collect()
    }

    #[test]
    fn the_lead_model_goes_first_then_the_shortest() {
        let mut p = Pool::new(2);
        p.queue(part(Chain, 0, 900.0));
        p.queue(part(Parallel, 0, 300.0));
        p.queue(part(Scaling, 0, 5_000.0));
        p.queue(part(Breaker, 0, 600.0));
        // Two cores: the scaling run alone while it runs (its second core would be shared).
        assert_eq!(pump(&mut p, 0.0), vec![(Scaling, 0)]);
        p.free(Scaling, 0);
        assert_eq!(pump(&mut p, 10.0), vec![(Parallel, 0), (Breaker, 0)]);
        p.free(Parallel, 0);
        assert_eq!(pump(&mut p, 20.0), vec![(Chain, 0)]);
    }

    #[test]
    fn a_model_split_over_the_slots_runs_side_by_side() {
        for cores in [2, 8] {
            let mut p = Pool::new(cores);
            for i in 0..4 {
                p.queue(part(Provisioned, i, 2_000.0));
            }
            p.queue(part(Chain, 0, 20_000.0));
            let started = pump(&mut p, 0.0);
            let slots = if cores == 2 { 2 } else { 7 };
            assert_eq!(p.slots(), slots, "{cores} cores");
            let sweep: Vec<usize> = started.iter().filter(|(k, _)| *k == Provisioned).map(|(_, i)| *i).collect();
            assert_eq!(sweep, (0..4.min(slots)).collect::<Vec<_>>(), "{cores} cores: the sweep's parts first");
            assert_eq!(started.len(), slots.min(5), "{cores} cores: every slot busy");
        }
    }

    #[test]
    fn a_short_run_starts_in_one_slot_more_unless_the_lead_run_ends_sooner() {
        let mut p = Pool::new(2);
        p.queue(part(Chain, 0, 60_000.0));
        p.queue(part(Chain, 1, 60_000.0));
        assert_eq!(pump(&mut p, 0.0).len(), 2);
        p.queue(part(Availability, 0, 40.0));
        p.queue(part(Breaker, 0, 4_000.0));
        assert_eq!(pump(&mut p, 1.0), vec![(Availability, 0)], "the short one only, in a third slot");
        assert_eq!(pump(&mut p, 2.0), vec![], "no fourth");
        p.free(Availability, 0);
        p.free(Chain, 0);
        assert_eq!(pump(&mut p, 3.0), vec![(Breaker, 0)]);

        // A lead run about to end holds a slot: the short run waits for it rather than share its core.
        let mut p = Pool::new(2);
        p.queue(part(Scaling, 0, 100.0));
        assert_eq!(pump(&mut p, 0.0), vec![(Scaling, 0)]);
        p.queue(part(Availability, 0, 40.0));
        assert_eq!(pump(&mut p, 50.0), vec![], "the scaling run ends within the express time");
        p.free(Scaling, 0);
        assert_eq!(pump(&mut p, 100.0), vec![(Availability, 0)]);
    }

    #[test]
    fn a_part_given_by_a_run_under_way_waits_for_its_result() {
        let mut p = Pool::new(4);
        p.run_under_way(Scaling, "inputs A".into());
        p.queue(part(Scaling, 0, 3_000.0));
        p.queue(part(Provisioned, 0, 3_000.0));
        p.queue(Waiting { given_by: Some((Scaling, "inputs A".into())), ..part(Provisioned, 1, 3_000.0) });
        assert_eq!(pump(&mut p, 0.0), vec![(Scaling, 0), (Provisioned, 0)]);
        assert_eq!(p.waiting().len(), 1);
        // A result for other inputs gives nothing; the result for these inputs gives the part.
        assert!(p.take_given(Scaling, "inputs B").is_empty());
        assert_eq!(p.take_given(Scaling, "inputs A").len(), 1);
        assert!(p.waiting().is_empty());

        // If the run under way is dropped, the part runs itself.
        let mut p = Pool::new(4);
        p.run_under_way(Scaling, "inputs A".into());
        p.queue(Waiting { given_by: Some((Scaling, "inputs A".into())), ..part(Provisioned, 1, 3_000.0) });
        assert_eq!(pump(&mut p, 0.0), vec![]);
        p.run_ended(Scaling);
        assert_eq!(pump(&mut p, 1.0), vec![(Provisioned, 1)]);
    }

    #[test]
    fn a_withdrawn_run_leaves_the_line_and_its_slots_come_back() {
        let mut p = Pool::new(2);
        for i in 0..3 {
            p.queue(part(Chain, i, 10_000.0));
        }
        assert_eq!(pump(&mut p, 0.0).len(), 2);
        p.withdraw(Chain);
        p.free(Chain, 0);
        p.free(Chain, 1);
        assert!(p.waiting().is_empty());
        assert_eq!(p.running(), 0);
        p.queue(part(Breaker, 0, 10_000.0));
        assert_eq!(pump(&mut p, 1.0), vec![(Breaker, 0)]);
    }

    #[test]
    fn a_newer_edit_supersedes_a_long_run_and_lets_a_short_one_finish() {
        assert!(supersedes(45_000.0), "a run with 45 s left is cancelled");
        assert!(!supersedes(300.0), "a run about to end finishes, the newer edit runs next");
        // Superseding in the pool: the old run's waiting parts leave, its running ones give back their slots, and
        // the new run's parts take them.
        let mut p = Pool::new(2);
        for i in 0..3 {
            p.queue(part(Provisioned, i, 20_000.0));
        }
        assert_eq!(pump(&mut p, 0.0).len(), 2);
        p.withdraw(Provisioned);
        p.free(Provisioned, 0);
        p.free(Provisioned, 1);
        p.queue(part(Provisioned, 0, 20_000.0));
        assert_eq!(pump(&mut p, 1.0), vec![(Provisioned, 0)]);
        assert!(p.waiting().is_empty());
    }

    #[test]
    fn a_worker_that_never_answers_is_found_by_the_clock() {
        let mut p = Pool::new(4);
        p.queue(part(Chain, 0, 2_000.0));
        p.queue(part(Breaker, 0, 100_000.0));
        assert_eq!(pump(&mut p, 0.0).len(), 2);
        assert!(p.silent(59_000.0).is_empty(), "under a minute of silence is allowed");
        // The chain's worker reports progress, then falls silent; the breaker's long part may be silent longer.
        p.heard(Chain, 0, 30_000.0);
        assert!(p.silent(89_000.0).is_empty());
        assert_eq!(p.silent(91_000.0), vec![(Chain, 0)]);
        assert!(p.silent(299_000.0).iter().all(|&(k, _)| k == Chain), "three times 100 s for the breaker");
        assert_eq!(p.silent(301_000.0), vec![(Chain, 0), (Breaker, 0)]);
        // Stopped and freed, it is no longer listed, and its slot is free.
        p.free(Chain, 0);
        assert_eq!(p.silent(301_000.0), vec![(Breaker, 0)]);
        assert_eq!(p.running(), 1);
    }
}
