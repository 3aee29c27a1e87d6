//! One model's runs, as a plain type: what an edit does (show a result kept for these inputs, let a run about to end
//! finish, drop the run under way, hold a long run for the reader, run on the page, or split the run into parts for
//! the workers), the run's parts and how far they are, their merge, and what is kept for the runs to come (recent
//! results, the pieces of earlier runs, the measured speed). No browser here: the page's adapter (`ui::compute`)
//! passes the clock and the free slots, does what an [`Edit`] says (starts workers, stops them, runs the model on the
//! page) and mirrors the state into its signals.
//!
//! One source of expected time: a model's work ([`crate::model::registry::Model::work`]) over its speed on this
//! device, measured by its last runs or, before any, the registry's prior ([`LaneState::expected_ms`]). One
//! threshold for the page: a run expected under [`PAGE_MS`] runs there, at once; a longer one goes to the workers;
//! one over [`LONG_RUN_MS`] waits for the reader.

use super::{supersedes, Waiting};
use crate::model::plan;
use crate::model::registry::{ModelKind, Output};
use crate::model::scenario::Scenario;
use std::collections::VecDeque;
use std::sync::Arc;

/// A run expected to take less than this runs on the page, at once [ms]: under a frame, and shorter than a worker's
/// round trip and the page's own rendering beside it on two cores would make it (docs/performance.md).
pub const PAGE_MS: f64 = 14.0;
/// A run expected to take longer than this on this device does not start until the reader says so [ms]
/// ([`Edit::Hold`]): opening a link to a month at a million requests a second must not start a run of days.
pub const LONG_RUN_MS: f64 = 30_000.0;
/// Results kept for an edit back to their inputs (a scaling result of 300 bins is about 60 KB).
pub const RECENT: usize = 8;
/// Pieces kept ([`LaneState::pieces`]; the fan-out sweep has up to 15 points of ~200 bytes, the provisioned sweep 6
/// levels, the breaker 2 runs of ~200 bins).
pub const KEPT: usize = 48;
/// A model's run is split into at most this many parts (more workers cost memory and start-up for little gain:
/// the sweep has six pieces, the chain four, the breaker two, the fan-out sweep one per instance count).
pub const MAX_PARTS: usize = 4;

/// A run that waits for the reader because it would take long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    /// Its expected time on this device [ms].
    pub expected_ms: f64,
    /// Its work, in the model's unit ([`crate::model::registry::Model::work_unit`]).
    pub work: f64,
}

/// The pieces of a run of a model that has them ([`ModelKind::piece_keys`]): their keys, those kept from earlier
/// runs, and those still to run with their work.
#[derive(Debug, Clone)]
pub struct Pieces {
    pub keys: Vec<String>,
    pub kept: Vec<Output>,
    pub missing: Vec<usize>,
    pub work: f64,
}

/// What an edit (or Run anyway) does. `stop`: the parts of the dropped run under way that are in workers (the
/// adapter stops those workers and gives back their slots; the pool's line has already been told by
/// [`LaneState::dropped`]).
#[derive(Debug)]
pub enum Edit {
    /// The inputs are those of the run shown or under way: only the prices may have changed.
    Same,
    /// A result kept for these inputs: shown at once, as if it had taken `took_ms`.
    Recall { out: Box<Output>, took_ms: f64, stop: Vec<usize> },
    /// The run under way is about to end: it finishes, and this edit runs next ([`LaneState::next_queued`]).
    Queued,
    /// Too long to start unasked.
    Hold { held: Held, stop: Vec<usize> },
    /// On the page, now ([`LaneState::run_on_page`]).
    Page { pieces: Option<Pieces>, stop: Vec<usize> },
    /// In the workers: these parts go in the pool's line; `whole`: a whole run, so the parts of other models' runs
    /// that its result gives wait for it.
    Workers { waiting: Vec<Waiting>, whole: bool, stop: Vec<usize> },
}

/// A part of a run.
#[derive(Debug, Clone)]
pub enum Part {
    /// Waiting for a worker slot.
    Waiting,
    /// In its worker, holding a slot.
    Running,
    /// Finished with this output.
    Done(Box<Output>),
}

/// A part of a run that another model's result gives ([`plan::given_piece`]).
#[derive(Debug, Clone)]
pub struct Given {
    pub part: usize,
    pub work: f64,
    pub by: ModelKind,
    pub inputs: String,
}

/// A model's run in the workers: its pieces in parts ([`plan::split_pieces`]), each part in its own worker; the
/// outputs merge when the last part is done ([`Output::merge`]).
#[derive(Debug, Clone)]
pub struct Run {
    pub scenario: Scenario,
    /// The scenario as the workers get it (JSON), made once for all the parts.
    pub json: Arc<str>,
    /// Each part's pieces ([`ModelKind::pieces`]).
    pub parts: Vec<Vec<usize>>,
    /// Each part's expected time [ms].
    pub estimates: Vec<f64>,
    pub state: Vec<Part>,
    /// The share of each part done, as its worker last reported it (0 ..= 1).
    pub progress: Vec<f64>,
    /// The pieces kept from earlier runs, merged with the parts' outputs.
    kept: Vec<Output>,
    keys: Option<Vec<String>>,
    /// Time the finished parts took in their workers [ms].
    worker_ms: f64,
    /// The work the workers do (the model's work, less a part another model's result gives).
    work: f64,
    /// When its first part went to a worker [ms], once one has.
    pub started_ms: Option<f64>,
    pub given: Option<Given>,
}

impl Run {
    /// The share of the run's work done (0 ..= 1): the parts weighted by their expected times, a part done whole, a
    /// running one as far as it reported, a waiting one nothing; a part another result gives does not count.
    pub fn share_done(&self) -> f64 {
        let given = self.given.as_ref().map(|g| g.part);
        let (mut done, mut all) = (0.0, 0.0);
        for (p, (w, state)) in self.estimates.iter().zip(&self.state).enumerate().filter(|(p, _)| Some(*p) != given) {
            all += w;
            done += w * match state {
                Part::Done(_) => 1.0,
                Part::Running => self.progress[p],
                Part::Waiting => 0.0,
            };
        }
        if all > 0.0 {
            done / all
        } else {
            0.0
        }
    }

    /// The parts in workers.
    pub fn running(&self) -> Vec<usize> {
        (0..self.state.len()).filter(|&p| matches!(self.state[p], Part::Running)).collect()
    }
}

/// A run that ended: its merged output (or why it failed), with what the adapter needs to show it.
#[derive(Debug)]
pub struct Ended {
    pub outcome: Result<Output, String>,
    pub scenario: Option<Scenario>,
    /// From the first part's start to the result [ms] (a run of one part: its time in its worker).
    pub took_ms: f64,
    pub keys: Option<Vec<String>>,
    cpu_ms: f64,
    work: f64,
}

/// One model's runs and what is kept from them.
#[derive(Debug, Clone)]
pub struct LaneState {
    kind: ModelKind,
    /// Work units per ms, measured (smoothed) by this model's runs; `None` before the first.
    rate: Option<f64>,
    /// The inputs last asked for ([`ModelKind::inputs`]).
    inputs: String,
    /// The inputs of the run under way (or held), and of the result shown.
    run_inputs: String,
    shown_inputs: String,
    /// The inputs the reader chose to run however long they take.
    allowed: String,
    /// The prices the shown result is priced with.
    prices: String,
    /// The last scenario asked for, and the one that runs when the run under way ends ([`Edit::Queued`]).
    latest: Option<Scenario>,
    queued: Option<Scenario>,
    /// Counts the runs started: a worker's answer names its run, and answers of a dropped run are ignored.
    generation: u64,
    run: Option<Run>,
    /// The run's expected time from its start [ms], from its parts' reports once they come.
    estimate_ms: f64,
    /// The last run started took this many of its pieces from earlier runs, of so many, if it took any.
    kept_last: Option<(usize, usize)>,
    /// The last few results with their inputs and times, newest last ([`RECENT`]).
    recent: VecDeque<(String, Output, f64)>,
    /// The pieces of the last runs with their keys, newest last ([`KEPT`]).
    kept: VecDeque<(String, Output)>,
}

impl LaneState {
    pub fn new(kind: ModelKind) -> Self {
        LaneState {
            kind,
            rate: None,
            inputs: String::new(),
            run_inputs: String::new(),
            shown_inputs: String::new(),
            allowed: String::new(),
            prices: String::new(),
            latest: None,
            queued: None,
            generation: 0,
            run: None,
            estimate_ms: 0.0,
            kept_last: None,
            recent: VecDeque::new(),
            kept: VecDeque::new(),
        }
    }

    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// How long `work` is expected to take here [ms]: the one source of expected time.
    pub fn expected_ms(&self, work: f64) -> f64 {
        self.kind.expected_ms(work, self.rate)
    }

    /// The expected times rest on a run measured here (before the first, on the registry's prior: a guess).
    pub fn measured(&self) -> bool {
        self.rate.is_some()
    }

    /// The run under way (in the workers, or waiting for them).
    pub fn run(&self) -> Option<&Run> {
        self.run.as_ref()
    }

    /// The run under way's number; a worker's answer for another is ignored.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The run under way's expected time from its start [ms].
    pub fn estimate_ms(&self) -> f64 {
        self.estimate_ms
    }

    /// The inputs of the result shown.
    pub fn shown_inputs(&self) -> &str {
        &self.shown_inputs
    }

    /// The last scenario asked for.
    pub fn latest(&self) -> Option<&Scenario> {
        self.latest.as_ref()
    }

    /// An edit to `s` at `now_ms`, with `slots` worker slots (0: no workers). `again`: run even if the inputs are
    /// those of the last run (after a cancel or a failure).
    pub fn edit(&mut self, s: &Scenario, now_ms: f64, slots: usize, again: bool) -> Edit {
        let key = self.kind.inputs(s);
        if self.inputs == key && !again {
            return Edit::Same;
        }
        self.latest = Some(s.clone());
        self.inputs = key.clone();
        if let Some(at) = self.recent.iter().position(|(k, ..)| *k == key) {
            let (_, out, took_ms) = self.recent[at].clone();
            let stop = self.dropped();
            self.run_inputs = key;
            return Edit::Recall { out: Box::new(out), took_ms, stop };
        }
        if let Some(started) = self.run.as_ref().and_then(|r| r.started_ms) {
            if !supersedes(self.estimate_ms - (now_ms - started)) {
                self.queued = Some(s.clone());
                return Edit::Queued;
            }
        }
        self.launch(s, key, slots)
    }

    /// Runs the held run (or the last scenario asked for), however long it takes.
    pub fn run_anyway(&mut self, slots: usize) -> Option<Edit> {
        let s = self.latest.clone()?;
        let key = self.kind.inputs(&s);
        self.allowed = key.clone();
        Some(self.launch(&s, key, slots))
    }

    /// The scenario edited while the last run ended, to run now.
    pub fn next_queued(&mut self) -> Option<Scenario> {
        self.queued.take()
    }

    /// Drops the run under way, if any: the parts of it in workers, whose answers will now be ignored.
    pub fn dropped(&mut self) -> Vec<usize> {
        self.queued = None;
        match self.run.take() {
            Some(run) => {
                self.generation += 1;
                run.running()
            }
            None => Vec::new(),
        }
    }

    fn launch(&mut self, s: &Scenario, key: String, slots: usize) -> Edit {
        let stop = self.dropped();
        let pieces = self.pieces(s);
        self.kept_last = pieces.as_ref().filter(|p| !p.kept.is_empty()).map(|p| (p.kept.len(), p.keys.len()));
        let work = pieces.as_ref().map_or_else(|| self.kind.work(s), |p| p.work);
        let expected = self.expected_ms(work);
        self.run_inputs = key.clone();
        if expected > LONG_RUN_MS && self.allowed != key {
            return Edit::Hold { held: Held { expected_ms: expected, work }, stop };
        }
        if expected < PAGE_MS || slots == 0 {
            self.generation += 1;
            return Edit::Page { pieces, stop };
        }
        let (waiting, whole) = self.split(s, pieces, slots);
        Edit::Workers { waiting, whole, stop }
    }

    /// The pieces of `s`'s run, if the model has them: those kept from earlier runs and those to run.
    pub fn pieces(&self, s: &Scenario) -> Option<Pieces> {
        let keys = self.kind.piece_keys(s)?;
        let (mut kept, mut missing) = (Vec::new(), Vec::new());
        for (i, key) in keys.iter().enumerate() {
            match self.kept.iter().find(|(x, _)| x == key) {
                Some((_, out)) => kept.push(out.clone()),
                None => missing.push(i),
            }
        }
        let shares = self.kind.pieces(s);
        let work = missing.iter().map(|&i| shares[i]).sum();
        Some(Pieces { keys, kept, missing, work })
    }

    /// Splits `s`'s run (or its `pieces` still to run) into parts for `slots` workers, at most [`MAX_PARTS`]; the
    /// piece another model's run gives goes last, in a part of its own, which that run's result usually completes
    /// before a slot comes free for it.
    fn split(&mut self, s: &Scenario, pieces: Option<Pieces>, slots: usize) -> (Vec<Waiting>, bool) {
        let shares = self.kind.pieces(s);
        let (which, kept, work, keys) = match pieces {
            Some(p) => (p.missing, p.kept, p.work, Some(p.keys)),
            None => ((0..shares.len()).collect(), Vec::new(), shares.iter().sum(), None),
        };
        let whole = which.len() == shares.len();
        let given = plan::given_piece(s, self.kind).filter(|(_, a)| which.contains(a));
        let apart = given.map(|(_, a)| a);
        let parts = plan::split_pieces(&shares, slots.min(MAX_PARTS), &which, apart);
        let estimates: Vec<f64> = parts.iter().map(|g| self.expected_ms(g.iter().map(|&i| shares[i]).sum())).collect();
        // The parts run side by side if there are slots for them all, else some after others.
        let computed = &estimates[..parts.len() - usize::from(apart.is_some())];
        let rounds = computed.len().div_ceil(slots) as f64;
        self.estimate_ms = computed.iter().copied().fold(0.0, f64::max) * rounds;
        let given = given.map(|(by, a)| Given { part: parts.len() - 1, work: shares[a], by, inputs: by.inputs(s) });
        self.generation += 1;
        let n = parts.len();
        let waiting = (0..n)
            .map(|part| Waiting {
                kind: self.kind,
                part,
                estimate_ms: estimates[part],
                given_by: given.as_ref().filter(|g| g.part == part).map(|g| (g.by, g.inputs.clone())),
            })
            .collect();
        self.run = Some(Run {
            scenario: s.clone(),
            json: serde_json::to_string(s).unwrap_or_default().into(),
            parts,
            estimates,
            state: vec![Part::Waiting; n],
            progress: vec![0.0; n],
            kept,
            keys,
            worker_ms: 0.0,
            work,
            started_ms: None,
            given,
        });
        (waiting, whole)
    }

    /// Runs `s` here and now ([`Edit::Page`]): with `pieces`, only the missing ones, merged with the kept ones. The
    /// caller measures the time and calls [`LaneState::finished`].
    pub fn run_on_page(&self, s: &Scenario, pieces: Option<Pieces>) -> (Result<Output, String>, Option<Vec<String>>) {
        match pieces {
            None => (Ok(self.kind.run(s)), None),
            Some(Pieces { keys, mut kept, missing, .. }) => {
                let out = (|| {
                    if !missing.is_empty() {
                        kept.push(self.kind.run_pieces(s, &missing)?);
                    }
                    Output::merge(kept)
                })();
                (out, Some(keys))
            }
        }
    }

    /// Part `part` of the run under way went to its worker at `now_ms`; `true` if it is the run's first.
    pub fn part_started(&mut self, part: usize, now_ms: f64) -> bool {
        let Some(run) = self.run.as_mut() else { return false };
        run.state[part] = Part::Running;
        let first = run.started_ms.is_none();
        run.started_ms.get_or_insert(now_ms);
        first
    }

    /// Part `part` reports the share `done` of its work at `now_ms`: the run's expected time becomes the time since
    /// it started over the share of the whole run done ([`Run::share_done`]). The new estimate, if there is one.
    pub fn progressed(&mut self, part: usize, done: f64, now_ms: f64) -> Option<f64> {
        let run = self.run.as_mut()?;
        *run.progress.get_mut(part)? = done.clamp(0.0, 1.0);
        let share = run.share_done();
        let elapsed = now_ms - run.started_ms?;
        (share > 0.0 && elapsed > 0.0).then(|| {
            self.estimate_ms = elapsed / share;
            self.estimate_ms
        })
    }

    /// The part another model's result gives, completed with `piece` (the workers do not do its work).
    pub fn given(&mut self, part: usize, piece: Output, now_ms: f64) -> Option<Ended> {
        if let Some(run) = self.run.as_mut() {
            run.work -= run.given.as_ref().map_or(0.0, |g| g.work);
        }
        self.part_done(part, Ok(piece), 0.0, now_ms)
    }

    /// Part `part` ended with `outcome` after `ms` in its worker at `now_ms`: the run, merged, when it was the last
    /// part or when a part failed (the run ends with its error; the other parts' answers will be ignored).
    pub fn part_done(&mut self, part: usize, outcome: Result<Output, String>, ms: f64, now_ms: f64) -> Option<Ended> {
        let run = self.run.as_mut()?;
        match outcome {
            Ok(out) => {
                run.state[part] = Part::Done(Box::new(out));
                run.worker_ms += ms;
            }
            Err(e) => {
                self.run = None;
                self.generation += 1;
                return Some(Ended {
                    outcome: Err(e),
                    scenario: None,
                    took_ms: 0.0,
                    keys: None,
                    cpu_ms: 0.0,
                    work: 0.0,
                });
            }
        }
        if !run.state.iter().all(|p| matches!(p, Part::Done(_))) {
            return None;
        }
        let run = self.run.take()?;
        let n = run.parts.len();
        let took_ms = if n > 1 { now_ms - run.started_ms.unwrap_or(now_ms) } else { run.worker_ms };
        let outs = run.state.into_iter().filter_map(|p| if let Part::Done(o) = p { Some(*o) } else { None });
        let outcome = Output::merge(run.kept.into_iter().chain(outs).collect());
        Some(Ended {
            outcome,
            scenario: Some(run.scenario),
            took_ms,
            keys: run.keys,
            cpu_ms: run.worker_ms,
            work: run.work,
        })
    }

    /// A run of `s` for the inputs last run ended, on the page (`cpu_ms` = `took_ms`) or in the workers
    /// ([`Ended`]): it is priced with the newest prices (which may have changed meanwhile), its speed measured, it
    /// and its pieces kept for the runs to come. The output to show.
    #[allow(clippy::too_many_arguments)]
    pub fn finished(
        &mut self,
        mut out: Output,
        s: &Scenario,
        took_ms: f64,
        cpu_ms: f64,
        work: f64,
        keys: Option<Vec<String>>,
    ) -> Output {
        if let Some(latest) = &self.latest {
            out.reprice(latest);
            self.prices = price_key(latest);
        }
        if cpu_ms > 0.5 {
            // Smoothed: one odd run (a GC pause, a busy machine) does not swing the next estimate.
            let now = work / cpu_ms;
            self.rate = Some(self.rate.map_or(now, |r| 0.5 * r + 0.5 * now));
        }
        self.shown_inputs = self.run_inputs.clone();
        let inputs = self.run_inputs.clone();
        self.recent.retain(|(k, ..)| *k != inputs);
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((inputs, out.clone(), took_ms));
        self.keep_pieces(&out, s, keys);
        out
    }

    /// [`LaneState::finished`] for a run in the workers: the output to show, its scenario and the time the reader
    /// waited for it [ms]; or why it failed.
    pub fn ended(&mut self, ended: Ended) -> Result<(Output, Scenario, f64), String> {
        let Ended { outcome, scenario, took_ms, keys, cpu_ms, work } = ended;
        let out = outcome?;
        let s = scenario.ok_or("the run lost its scenario")?;
        Ok((self.finished(out, &s, took_ms, cpu_ms, work, keys), s, took_ms))
    }

    /// How many of its pieces the last run started took from earlier runs, and of how many, if it took any.
    pub fn kept_last(&self) -> Option<(usize, usize)> {
        self.kept_last
    }

    /// The inputs of the run under way or held (as [`ModelKind::inputs`]).
    pub fn run_inputs(&self) -> &str {
        &self.run_inputs
    }

    /// A recalled result is shown: it stands for the inputs last asked for, and is now the newest kept.
    pub fn recalled(&mut self, out: &mut Output) {
        if let Some(latest) = &self.latest {
            out.reprice(latest);
            self.prices = price_key(latest);
        }
        self.shown_inputs = self.run_inputs.clone();
        if let Some(at) = self.recent.iter().position(|(k, ..)| *k == self.shown_inputs) {
            if let Some(entry) = self.recent.remove(at) {
                self.recent.push_back(entry);
            }
        }
    }

    /// The prices of `s` differ from those the shown result is priced with (they are taken as the shown ones now).
    pub fn prices_changed(&mut self, s: &Scenario) -> bool {
        if !self.kind.model().reprices() {
            return false;
        }
        let key = price_key(s);
        let changed = self.prices != key;
        self.prices = key;
        changed
    }

    /// Keeps the pieces of `out`, a whole run of `s`, for the runs to come.
    fn keep_pieces(&mut self, out: &Output, s: &Scenario, keys: Option<Vec<String>>) {
        let Some(keys) = keys.or_else(|| self.kind.piece_keys(s)) else { return };
        let outs = out.piece_outputs(s);
        if outs.len() != keys.len() {
            return;
        }
        for (key, out) in keys.into_iter().zip(outs) {
            self.kept.retain(|(x, _)| *x != key);
            if self.kept.len() == KEPT {
                self.kept.pop_front();
            }
            self.kept.push_back((key, out));
        }
    }
}

/// The prices a result is priced with.
fn price_key(s: &Scenario) -> String {
    serde_json::to_string(&(&s.scaling.pricing, &s.scaling.always_on)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load::LoadCurve;
    use ModelKind::*;

    fn scenario(rate: f64, seconds: f64) -> Scenario {
        let load = LoadCurve::from_pairs(&[(0.0, rate), (seconds, rate)]).unwrap();
        Scenario { load, ..Scenario::default() }
    }

    /// Runs every part of the run under way not done yet natively, as the workers would, and hands the results
    /// back.
    fn run_in_workers(l: &mut LaneState, now: f64) -> Ended {
        let run = l.run().unwrap().clone();
        let todo: Vec<usize> = (0..run.parts.len()).filter(|&p| !matches!(run.state[p], Part::Done(_))).collect();
        for &p in &todo {
            l.part_started(p, now);
        }
        let mut ended = None;
        for p in todo {
            let out = l.kind().run_pieces(&run.scenario, &run.parts[p]);
            ended = l.part_done(p, out, 10.0, now + 10.0);
        }
        ended.expect("the last part ends the run")
    }

    #[test]
    fn a_first_run_is_placed_by_the_prior_then_by_measured_speed() {
        let mut l = LaneState::new(Scaling);
        let tiny = scenario(10.0, 60.0);
        assert!(!l.measured());
        assert!(l.expected_ms(Scaling.work(&tiny)) < PAGE_MS);
        let Edit::Page { pieces, stop } = l.edit(&tiny, 0.0, 2, false) else { panic!("a tiny run goes on the page") };
        assert!(pieces.is_none() && stop.is_empty());
        let (out, keys) = l.run_on_page(&tiny, None);
        let shown = l.finished(out.unwrap(), &tiny, 0.6, 0.6, Scaling.work(&tiny), keys);
        assert_eq!(shown.to_bytes(), Scaling.run(&tiny).to_bytes());
        assert!(l.measured());
        assert_eq!(l.shown_inputs(), Scaling.inputs(&tiny));
        // The same inputs again: nothing runs.
        assert!(matches!(l.edit(&tiny, 1.0, 2, false), Edit::Same));
        // An hour at 100 req/s at the speed just measured is far over a frame: the workers.
        let hour = scenario(100.0, 3600.0);
        let Edit::Workers { waiting, whole, stop } = l.edit(&hour, 2.0, 2, false) else { panic!("workers") };
        assert!(whole && stop.is_empty());
        assert_eq!(waiting.len(), 1, "the scaling run is one piece");
        // With no worker at all, on the page whatever it takes.
        let mut l = LaneState::new(Scaling);
        assert!(matches!(l.edit(&hour, 0.0, 0, false), Edit::Page { .. }));
    }

    #[test]
    fn a_long_run_waits_for_the_reader_until_run_anyway() {
        let mut l = LaneState::new(Scaling);
        // A month at a million requests a second: 2.6 T requests, days at any speed.
        let month = scenario(1e6, 30.0 * 86_400.0);
        let Edit::Hold { held, .. } = l.edit(&month, 0.0, 2, false) else { panic!("held") };
        assert!(held.expected_ms > LONG_RUN_MS && held.work > 2.5e12);
        assert!(l.run().is_none(), "nothing started");
        assert!(matches!(l.run_anyway(2), Some(Edit::Workers { .. })));
        // Once allowed, an edit to the same inputs (after a cancel) does not ask again.
        l.dropped();
        assert!(matches!(l.edit(&month, 1.0, 2, true), Edit::Workers { .. }));
    }

    #[test]
    fn an_edit_back_to_earlier_inputs_shows_the_kept_result_and_drops_the_run_under_way() {
        let mut l = LaneState::new(Chain);
        let (a, b) = (scenario(1.0, 60.0), scenario(2.0, 60.0));
        for s in [&a, &b] {
            let Edit::Page { pieces, .. } = l.edit(s, 0.0, 0, false) else { panic!() };
            let (out, keys) = l.run_on_page(s, pieces);
            l.finished(out.unwrap(), s, 3.0, 0.0, Chain.work(s), keys);
        }
        // A long run of other inputs goes to the workers and starts; then an edit back to `a`.
        let long = scenario(500.0, 7200.0);
        let Edit::Workers { waiting, .. } = l.edit(&long, 10.0, 2, false) else { panic!() };
        for w in &waiting {
            l.part_started(w.part, 10.0);
        }
        let before = l.generation();
        let Edit::Recall { out, took_ms, stop } = l.edit(&a, 20.0, 2, false) else { panic!("recalled") };
        assert_eq!(out.to_bytes(), Chain.run(&a).to_bytes());
        assert_eq!(took_ms, 3.0);
        assert_eq!(stop, (0..waiting.len()).collect::<Vec<_>>(), "its workers are stopped");
        assert!(l.run().is_none() && l.generation() > before, "their answers will be ignored");
    }

    #[test]
    fn a_newer_edit_lets_a_run_about_to_end_finish_then_runs() {
        let mut l = LaneState::new(Breaker);
        let (a, b) = (scenario(300.0, 3600.0), scenario(310.0, 3600.0));
        let Edit::Workers { waiting, .. } = l.edit(&a, 0.0, 2, false) else { panic!() };
        waiting.iter().for_each(|w| {
            l.part_started(w.part, 0.0);
        });
        // Reports say it is nearly done: 0.9 of it after 900 ms, about 100 ms left.
        for w in &waiting {
            l.progressed(w.part, 0.9, 900.0);
        }
        assert!((l.estimate_ms() - 1000.0).abs() < 1e-6);
        assert!(matches!(l.edit(&b, 900.0, 2, false), Edit::Queued));
        assert!(l.run().is_some(), "the run under way goes on");
        let ended = run_in_workers(&mut l, 950.0);
        assert!(ended.outcome.is_ok());
        assert_eq!(l.next_queued().map(|s| Breaker.inputs(&s)), Some(Breaker.inputs(&b)));
    }

    #[test]
    fn the_estimate_weighs_the_parts_by_their_expected_times() {
        let mut l = LaneState::new(Provisioned);
        let s = scenario(200.0, 3600.0);
        let Edit::Workers { waiting, .. } = l.edit(&s, 0.0, 2, false) else { panic!() };
        assert!(waiting.len() >= 2);
        l.part_started(0, 100.0);
        // Part 0 half done after 1 s, the others waiting: the share done is half of part 0's weight.
        let run = l.run().unwrap();
        let given = run.given.as_ref().map(|g| g.part);
        let weights: Vec<f64> =
            run.estimates.iter().enumerate().filter(|(p, _)| Some(*p) != given).map(|(_, w)| *w).collect();
        let share = 0.5 * run.estimates[0] / weights.iter().sum::<f64>();
        let estimate = l.progressed(0, 0.5, 1100.0).unwrap();
        assert!((estimate - 1000.0 / share).abs() < 1e-6, "{estimate} vs {}", 1000.0 / share);
    }

    #[test]
    fn parts_merge_into_the_whole_run_and_kept_pieces_are_not_run_again() {
        let mut l = LaneState::new(Parallel);
        let s = scenario(50.0, 600.0);
        let Edit::Workers { waiting, whole, .. } = l.edit(&s, 0.0, 8, false) else { panic!() };
        assert!(whole && waiting.len() > 1, "split over the slots: {} parts", waiting.len());
        let ended = run_in_workers(&mut l, 0.0);
        let (out, ..) = l.ended(ended).unwrap();
        assert_eq!(out.to_bytes(), Parallel.run(&s).to_bytes(), "the merged parts are the whole run, bit for bit");
        assert!(l.measured());
        // An edit that changes none of the pieces' keys but the inputs: every piece is kept, none runs.
        let pieces = l.pieces(&s).unwrap();
        assert!(pieces.missing.is_empty() && pieces.work == 0.0);
    }

    #[test]
    fn a_failed_part_ends_the_run_with_its_error() {
        let mut l = LaneState::new(Chain);
        let s = scenario(500.0, 7200.0);
        let Edit::Workers { waiting, .. } = l.edit(&s, 0.0, 2, false) else { panic!() };
        l.part_started(waiting[0].part, 0.0);
        let g = l.generation();
        let ended = l.part_done(0, Err("its worker stopped".into()), 0.0, 5.0).unwrap();
        assert_eq!(ended.outcome.unwrap_err(), "its worker stopped");
        assert!(l.run().is_none() && l.generation() > g);
        // Another part's late answer is ignored.
        assert!(l.part_done(1, Err("late".into()), 0.0, 6.0).is_none());
        // Try again runs it, though the inputs are those asked for last.
        assert!(matches!(l.edit(&s, 7.0, 2, true), Edit::Workers { .. }));
    }
}
