//! The event loop. Arrivals come from a generator in time order (in batches, [`ArrivalStream`]), completions and
//! init ends from a 4-ary heap, keep-alive expiries from the head of the idle list, and the rest (queue time-outs,
//! pings, autoscaler ticks, rate-limit refills) are single next-times; each step takes the earliest. The curve is run
//! in slices of one bin, one call each (see [`Sim::run`] for why).
//!
//! Idle on-demand instances form a circular doubly linked list through the instance table, in the order they became
//! idle, closed by a sentinel (entry 0 of the table, never an instance): the head expires first (one keep-alive for
//! all), the tail is the most recently used, and taking any of them out is O(1) and free of branches (whether the
//! instance taken is at an end is a coin toss a branch would mispredict). The newest-created choice adds a bitset
//! of idle instances by creation rank ([`Ranks`]). Other pools hold instance indices with a generation number, so
//! leaving a pool is O(1) and stale entries are skipped later.

use super::arrivals::ArrivalStream;
use super::creation::Ranks;
use super::heap::{TimeHeap, Timed};
use super::parts::PartsAcc;
use super::state::{Decision, InstanceState, Phase, PoolState, RequestState};
use super::table::Table;
use super::{bin_width, Bin, ColdMode, IdleChoice, Overflow, Policy, ScalingParams, SimResult, Summary};
use crate::model::cost::Usage;
use crate::model::dist::{rng, Sampler, SimRng};
use crate::model::fmin;
use crate::model::load::LoadCurve;
use crate::model::replay::Rerun;
use crate::model::stats::{split_by_bins, Histogram};
use std::collections::VecDeque;
use std::sync::Arc;

/// Most bins a run reports.
pub const MAX_BINS: usize = 300;
const NONE: u32 = u32::MAX;
const F_COLD: u8 = 1;
const F_PING: u8 = 2;

#[derive(Debug, Clone)]
struct Inst {
    /// Creation rank ([`Ranks`]): later-created instances have higher ones.
    rank: u32,
    /// Sequence number of this lifetime's init-end event (slots are reused).
    ready_seq: u32,
    ready_at: f64,
    /// Requests assigned: waiting for init or in service.
    active: u32,
    /// Bumped whenever the instance leaves a pool or dies; pool entries with an older generation are stale.
    gen: u32,
    alive: bool,
    provisioned: bool,
    initializing: bool,
    /// In the idle list (on-demand instances only).
    idle: bool,
    partial_pos: u32,
    /// Neighbours in the idle list ([`IDLE_END`] at the ends).
    prev: u32,
    next: u32,
    /// When it last became idle [s].
    idle_since: f64,
}

/// A pending event in the heap: 16 bytes, so sifting moves little. `id` is a request slot, or, with [`READY`] set,
/// an instance whose init ends.
#[derive(Debug, Clone, Copy)]
struct Ev {
    t: f64,
    /// Scheduling order; an init end whose number is not the instance's `ready_seq` belongs to a lifetime that ended.
    seq: u32,
    id: u32,
}

const READY: u32 = 1 << 31;

impl Timed for Ev {
    #[inline(always)]
    fn time(&self) -> f64 {
        self.t
    }
}

/// A request in service or waiting for its instance's init.
#[derive(Debug, Clone, Copy)]
struct Req {
    arrival: f64,
    start: f64,
    inst: u32,
    /// The bin of the arrival, or [`NONE`] when it arrived outside the measured span (warm-up, after the end).
    bin: u32,
    flags: u8,
}

/// The idle list's sentinel: entry 0 of the instance table, whose `next` is the list's head and `prev` its tail.
const IDLE_END: u32 = 0;

/// Per-bin accumulators.
#[derive(Debug, Clone, Default)]
struct BinAcc {
    arrivals: u64,
    completed: u64,
    throttled: u64,
    timed_out: u64,
    cold: u64,
    busy: f64,
    idle: f64,
    init: f64,
    queue: f64,
    hist: Option<Box<Histogram>>,
    parts: Option<PartsAcc>,
    usage: Usage,
}

impl BinAcc {
    /// Adds `dt` seconds of these state counts.
    #[inline]
    fn add_state(&mut self, busy: f64, idle: f64, init: f64, queue: f64, dt: f64) {
        self.busy += busy * dt;
        self.idle += idle * dt;
        self.init += init * dt;
        self.queue += queue * dt;
    }
}

/// The scaling run (public only for [`Replay`]'s sake; its module is private).
#[derive(Clone)]
pub struct Sim {
    /// Shared, so that a run's state can be kept and copied ([`Replay`]).
    p: Arc<ScalingParams>,
    rng: SimRng,
    warm: Sampler,
    cold: Sampler,
    separate_cold: bool,
    /// Copies of parameters the hot path reads (no pointer to chase).
    keep_alive: f64,
    idle_choice: IdleChoice,
    /// Whether a cold request's init time is billed (INIT billing, and init separate from the service time).
    bill_init: bool,
    c: u32,
    gb: f64,
    seq: u32,
    /// Whether new events are usually later than most pending ones (warm service times less variable than
    /// exponential), so a push stops at the first earlier ancestor instead of walking every level
    /// ([`TimeHeap::push_late`]).
    late_pushes: bool,
    reqs: Table<Req>,
    free_reqs: Vec<u32>,
    end: f64,
    warmup: f64,
    // Instances and pools.
    insts: Table<Inst>,
    free: Vec<u32>,
    partial: Vec<u32>,
    prov_idle: Vec<u32>,
    /// Creation ranks; which instances are idle only under the newest-created choice.
    ranks: Ranks,
    init_empty: Vec<(u32, u32)>,
    idle_live: usize,
    /// The next keep-alive expiry ([`Sim::next_expiry`]), kept up to date where the idle list's head changes
    /// ([`Sim::make_idle`] into an empty list, [`Sim::unlink`] of the head) instead of looked up for every event.
    next_exp: f64,
    heap: TimeHeap<Ev>,
    queue: VecDeque<f64>,
    // Counts now.
    n_init: u32,
    n_busy: u32,
    n_idle: u32,
    n_running: u32,
    n_waiting_init: u32,
    // Rate limit.
    tokens: f64,
    token_rate: f64,
    token_cap: f64,
    token_last: f64,
    // Autoscaler.
    scheduled: bool,
    excess: u32,
    next_tick: f64,
    tick_area: f64,
    tick_arrivals: u64,
    window: VecDeque<f64>,
    recent_desired: VecDeque<(f64, u32)>,
    holt: Option<(f64, f64)>,
    next_ping: f64,
    // Statistics.
    last: f64,
    width: f64,
    inv_width: f64,
    bins: Table<BinAcc>,
    /// The bin the last interval ended in, and its edges clipped to the measured span [s].
    cur: usize,
    cur_lo: f64,
    cur_hi: f64,
    /// Latencies of cold requests (those of all requests are in the bins' histograms) [s].
    cold_h: Histogram,
    /// Smallest and largest latency of a warm request [s].
    warm_min: f64,
    warm_max: f64,
    area_system: f64,
    wait_sum: f64,
    peak_instances: u32,
    started: u64,
    /// Instances removed (keep-alive expired, or the autoscaler), requests refused (throttled or timed out, warm-up
    /// included), and autoscaler decisions, so far: what [`Replay::next`] steps to.
    removed: u64,
    refused: u64,
    decisions: u64,
    /// The autoscaler's last decision ([`Decision`]).
    last_decision: Option<Decision>,
    /// The last decision in each bin, kept only by a [`Replay`] (for its chart of the autoscaler's loop).
    decision_bins: Option<Vec<Option<Decision>>>,
    // Arrivals: their stream and the next one [s]; and the queue time-out [s].
    arrivals: ArrivalStream,
    next_arrival: f64,
    timeout: f64,
}

/// Runs the scaling simulation of `p` under `curve` with `seed`. The parameters must have passed `validate()`.
pub fn simulate(curve: &LoadCurve, p: &ScalingParams, seed: u64) -> SimResult {
    let mut s = Sim::new(curve, p, seed);
    s.run(curve);
    let _analysis = crate::model::observe::analyse();
    s.finish(curve)
}

/// The pool at each of `times` [s] (ascending) in the run of `p` under `curve` with `seed`: the run [`simulate`]
/// makes, the same events in the same order, stopped at each time with the events before it taken ([`PoolState`]).
pub fn pool_states(curve: &LoadCurve, p: &ScalingParams, seed: u64, times: &[f64]) -> Vec<PoolState> {
    let mut s = Sim::new(curve, p, seed);
    let mut stop = 0.0;
    times.iter().map(|&t| s.run_to(&mut stop, t, curve).state(t)).collect()
}

/// What [`Replay::next`] steps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// An instance starts (a cold start).
    ColdStart,
    /// A request is throttled or times out in the queue.
    Refused,
    /// An instance is removed (its keep-alive ran out, or the autoscaler removed it).
    Removal,
    /// The autoscaler decides.
    Decision,
}

/// The scaling run kept as copies along the curve, for the live view ([`crate::model::replay`]).
pub type Replay = crate::model::replay::Replay<Sim>;

impl Rerun for Sim {
    fn run_to(&mut self, from: f64, t: f64, curve: &LoadCurve) {
        let mut stop = from;
        Sim::run_to(self, &mut stop, t, curve);
    }

    /// The state without the latency histograms and the latency parts.
    fn copy(&self) -> Sim {
        let mut s = self.clone();
        for b in s.bins.iter_mut() {
            b.hist = None;
            b.parts = None;
        }
        s.cold_h = Histogram::default();
        s
    }
}

impl Replay {
    /// A replay of the run of `p` under `curve` with `seed`, built up to time 0.
    pub fn new(curve: &LoadCurve, p: &ScalingParams, seed: u64) -> Replay {
        let mut run = Sim::new(curve, p, seed);
        run.decision_bins = run.scheduled.then(|| vec![None; run.bins.len()]);
        Replay::of(curve, run)
    }

    /// The pool at each of `times` [s] (ascending, within what is built).
    pub fn states(&self, times: &[f64]) -> Option<Vec<PoolState>> {
        self.read(times, |s, t| s.state(t))
    }

    /// The first time after `t` [s] and before `limit`, within what is built, at which `what` happens, to a
    /// hundredth of a second (the cursor put there shows it: the instance initialising, the request refused).
    /// The search starts where the last reader left the run when it can, and stops there at `limit` when it finds
    /// nothing, so that a long search goes in slices (the view's next call goes on from `limit`).
    pub fn next(&self, what: Next, t: f64, limit: f64) -> Option<f64> {
        let limit = limit.min(self.reached());
        let (from, mut s) = self.start_for(t);
        let mut stop = from;
        s.run_to(&mut stop, t, self.curve());
        let at_t = s.clone();
        let count = |s: &Sim| match what {
            Next::ColdStart => s.started,
            Next::Refused => s.refused,
            Next::Removal => s.removed,
            Next::Decision => s.decisions,
        };
        let before = count(&s);
        let mut at = t;
        while at < limit {
            at = (at + 0.01).min(limit);
            s.run_to(&mut stop, at, self.curve());
            if count(&s) > before {
                self.keep(t, at_t);
                return Some(at);
            }
        }
        self.keep(at.max(t), s);
        None
    }

    /// The autoscaler's last decision in each bin (`None` where it made none, or under the per-request policy),
    /// once the replay is built.
    pub fn decisions(&self) -> Option<&[Option<Decision>]> {
        self.ahead().decision_bins.as_deref()
    }
}

impl Sim {
    fn new(curve: &LoadCurve, p: &ScalingParams, seed: u64) -> Self {
        Self::with_ranks(curve, p, seed, Ranks::default())
    }

    /// [`Sim::new`] with the creation ranks given (tests give a small limit, so that they renumber often).
    fn with_ranks(curve: &LoadCurve, p: &ScalingParams, seed: u64, ranks: Ranks) -> Self {
        let end = curve.duration();
        let warmup = p.warmup.min(end);
        let width = bin_width(end, MAX_BINS);
        let nb = ((end / width).ceil() as usize).max(1);
        let (cold, separate_cold) = match &p.cold {
            ColdMode::InitThenWarm { init } => (init.sampler(), false),
            ColdMode::SeparateCold { cold_service } => (cold_service.sampler(), true),
        };
        let (token_cap, token_rate) =
            p.scale_rate.map_or((f64::INFINITY, 0.0), |r| (r.burst as f64, r.burst as f64 / r.per_seconds));
        let scheduled = !matches!(p.policy, Policy::PerRequest);
        let mut s = Sim {
            p: Arc::new(p.clone()),
            rng: rng(seed, 1),
            warm: p.warm_service.sampler(),
            cold,
            separate_cold,
            keep_alive: p.keep_alive,
            idle_choice: p.idle_choice,
            bill_init: p.pricing.bill_init && !separate_cold,
            c: p.concurrency_per_instance,
            gb: p.memory_mb / 1024.0,
            seq: 0,
            late_pushes: p.warm_service.cv() < 1.0,
            reqs: Table::default(),
            free_reqs: Vec::new(),
            end,
            warmup,
            insts: Table::default(),
            free: Vec::new(),
            partial: Vec::new(),
            prov_idle: Vec::new(),
            ranks,
            init_empty: Vec::new(),
            idle_live: 0,
            next_exp: f64::INFINITY,
            heap: TimeHeap::default(),
            queue: VecDeque::new(),
            n_init: 0,
            n_busy: 0,
            n_idle: 0,
            n_running: 0,
            n_waiting_init: 0,
            tokens: token_cap,
            token_rate,
            token_cap,
            token_last: 0.0,
            scheduled,
            excess: 0,
            next_tick: if scheduled { 0.0 } else { f64::INFINITY },
            tick_area: 0.0,
            tick_arrivals: 0,
            window: VecDeque::new(),
            recent_desired: VecDeque::new(),
            holt: None,
            next_ping: if p.prewarm.is_some() { 0.0 } else { f64::INFINITY },
            last: 0.0,
            width,
            inv_width: 1.0 / width,
            bins: Table(vec![BinAcc::default(); nb]),
            cur: 0,
            // Empty: the first interval takes the slow path, which sets them.
            cur_lo: f64::INFINITY,
            cur_hi: f64::NEG_INFINITY,
            cold_h: Histogram::default(),
            warm_min: f64::INFINITY,
            warm_max: 0.0,
            area_system: 0.0,
            wait_sum: 0.0,
            peak_instances: 0,
            started: 0,
            removed: 0,
            refused: 0,
            decisions: 0,
            last_decision: None,
            decision_bins: None,
            arrivals: ArrivalStream::new(curve, seed),
            next_arrival: f64::INFINITY,
            timeout: match p.overflow {
                Overflow::Queue { timeout, .. } => timeout,
                Overflow::Throttle => f64::INFINITY,
            },
        };
        s.next_arrival = s.arrivals.take();
        s.next_tick = s.before_end(s.next_tick);
        s.next_ping = s.before_end(s.next_ping);
        // The idle list's sentinel.
        let end = s.new_instance(0.0, false);
        debug_assert_eq!(end, IDLE_END);
        s.insts[0].alive = false;
        for _ in 0..p.provisioned {
            let i = s.new_instance(0.0, true);
            s.n_idle += 1;
            s.prov_idle.push(i);
        }
        s.peak_instances = p.provisioned;
        s
    }

    /// Takes the events before `t` [s], one bin's worth of simulated time per call as [`Sim::run`]; `stop` is
    /// where the last call stopped.
    fn run_to(&mut self, stop: &mut f64, t: f64, curve: &LoadCurve) -> &Self {
        while *stop < t {
            *stop = (*stop + self.width).min(t);
            if self.run_until(*stop, curve).is_none() {
                *stop = t;
            }
        }
        self
    }

    /// The pool now, at `t` ([`pool_states`]).
    fn state(&self, t: f64) -> PoolState {
        let mut index = vec![u32::MAX; self.insts.len()];
        let mut instances = Vec::new();
        let provisioned_first = self.insts.iter().enumerate().filter(|(_, i)| i.alive && i.provisioned);
        let on_demand = self.insts.iter().enumerate().filter(|(_, i)| i.alive && !i.provisioned);
        for (k, inst) in provisioned_first.chain(on_demand) {
            index[k] = instances.len() as u32;
            let phase = if inst.initializing {
                Phase::Init { until: inst.ready_at, requests: inst.active }
            } else if inst.active > 0 {
                Phase::Busy { requests: inst.active }
            } else {
                let lasts = inst.provisioned || self.scheduled;
                Phase::Idle {
                    since: inst.idle_since,
                    expires: if lasts { f64::INFINITY } else { inst.idle_since + self.keep_alive },
                }
            };
            instances.push(InstanceState { provisioned: inst.provisioned, phase });
        }
        let mut free = vec![false; self.reqs.len()];
        for &k in &self.free_reqs {
            free[k as usize] = true;
        }
        let requests = self
            .reqs
            .iter()
            .zip(&free)
            .filter(|(_, &f)| !f)
            .map(|(r, _)| RequestState {
                arrival: r.arrival,
                start: r.start,
                instance: index[r.inst as usize],
                cold: r.flags & F_COLD != 0,
                ping: r.flags & F_PING != 0,
            })
            .collect();
        let sum = |f: fn(&BinAcc) -> u64| self.bins.iter().map(f).sum();
        PoolState {
            t,
            instances,
            requests,
            queued: self.queue.iter().copied().collect(),
            arrivals: sum(|b| b.arrivals),
            throttled: sum(|b| b.throttled),
            timed_out: sum(|b| b.timed_out),
            completed: sum(|b| b.completed),
            cold_completed: sum(|b| b.cold),
            started: self.started,
            removed: self.removed,
            refused: self.refused,
            decision: self.last_decision,
        }
    }

    #[inline]
    fn bin_of(&self, t: f64) -> usize {
        ((t * self.inv_width) as usize).min(self.bins.len() - 1)
    }

    /// The bin a request arriving at `t` is counted in, or [`NONE`] outside the measured span.
    #[inline]
    fn measured_bin(&self, t: f64) -> u32 {
        if t >= self.warmup && t < self.end {
            self.bin_of(t) as u32
        } else {
            NONE
        }
    }

    /// Instances busy, idle and initialising, and the queue's length, as floats for the time integrals (the queue
    /// length through u32: u64 → f64 takes eight instructions on x86, u32 → f64 one).
    #[inline(always)]
    fn state_counts(&self) -> (f64, f64, f64, f64) {
        (self.n_busy as f64, self.n_idle as f64, self.n_init as f64, self.queue.len() as u32 as f64)
    }

    /// Integrates the state counts from the last event to `to` into the bins and totals.
    #[inline]
    fn advance(&mut self, to: f64) {
        let from = self.last;
        self.last = to;
        let (busy, idle, init, q) = self.state_counts();
        let in_system = (self.n_running + self.n_waiting_init) as f64 + q;
        if self.scheduled {
            self.tick_area += in_system * (to - from);
        }
        // Fast path: the interval lies in the measured part of the bin of the previous one (most events are close
        // together); `cur_lo`/`cur_hi` are that bin's edges clipped to the measured span.
        if from >= self.cur_lo && to <= self.cur_hi {
            let dt = to - from;
            self.area_system += in_system * dt;
            self.bins[self.cur].add_state(busy, idle, init, q, dt);
            return;
        }
        let a = if from > self.warmup { from } else { self.warmup };
        let b = if to < self.end { to } else { self.end };
        if b <= a {
            return;
        }
        self.area_system += in_system * (b - a);
        let (width, n) = (self.width, self.bins.len());
        let (bins, cur) = (&mut self.bins, &mut self.cur);
        split_by_bins(a, b, width, n, |k, dt| {
            bins[k].add_state(busy, idle, init, q, dt);
            *cur = k;
        });
        let lo = self.cur as f64 * width;
        let hi = if self.cur + 1 == n { f64::INFINITY } else { (self.cur + 1) as f64 * width };
        self.cur_lo = if lo > self.warmup { lo } else { self.warmup };
        self.cur_hi = if hi < self.end { hi } else { self.end };
    }

    fn new_instance(&mut self, now: f64, provisioned: bool) -> u32 {
        if self.ranks.full() {
            self.renumber();
        }
        let inst = Inst {
            rank: 0,
            ready_seq: 0,
            ready_at: now,
            active: 0,
            gen: 0,
            alive: true,
            provisioned,
            initializing: false,
            idle: false,
            partial_pos: NONE,
            prev: IDLE_END,
            next: IDLE_END,
            idle_since: now,
        };
        let i = if let Some(i) = self.free.pop() {
            let g = self.insts[i as usize].gen.wrapping_add(1);
            self.insts[i as usize] = Inst { gen: g, ..inst };
            i
        } else {
            self.insts.push(inst);
            (self.insts.len() - 1) as u32
        };
        self.insts[i as usize].rank = self.ranks.issue(i);
        let alive = self.n_alive() + 1;
        self.peak_instances = self.peak_instances.max(alive);
        i
    }

    #[inline]
    fn n_alive(&self) -> u32 {
        self.n_init + self.n_busy + self.n_idle
    }

    #[inline]
    fn refill(&mut self, now: f64) {
        if self.token_rate > 0.0 {
            self.tokens = (self.tokens + (now - self.token_last) * self.token_rate).min(self.token_cap);
            self.token_last = now;
        }
    }

    /// Whether a new instance may start now (limits, rate); takes a token if so.
    #[inline]
    fn may_start(&mut self, now: f64) -> bool {
        if self.n_alive() >= self.p.max_instances {
            return false;
        }
        self.refill(now);
        // The tolerance keeps float rounding from stalling a refill that is due now.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Starts an on-demand instance that initialises (cold start) until `now + init`. One started for a request
    /// gets it at once; one started by the autoscaler waits in `init_empty` for requests.
    fn start_instance(&mut self, now: f64, for_request: bool) -> u32 {
        let init = if self.separate_cold { 0.0 } else { self.cold.sample(&mut self.rng) };
        let i = self.new_instance(now, false);
        self.started += 1;
        let inst = &mut self.insts[i as usize];
        if init > 0.0 {
            inst.initializing = true;
            inst.ready_at = now + init;
            self.n_init += 1;
            let gen = inst.gen;
            let seq = self.push(now + init, i | READY);
            self.insts[i as usize].ready_seq = seq;
            if !for_request {
                self.init_empty.push((i, gen));
            }
        } else {
            self.n_idle += 1;
        }
        i
    }

    /// Schedules an event; returns its sequence number (which tells a live init end from one of a lifetime that ended).
    /// Always inlined, as are [`Sim::take_idle`] and [`Sim::take_slot`]: at opt-level "s" (the browser build) LLVM
    /// left the three as calls, and around a call V8's wasm code stores and reloads the loop's live values.
    #[inline(always)]
    fn push(&mut self, t: f64, id: u32) -> u32 {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let e = Ev { t, seq, id };
        if self.late_pushes {
            self.heap.push_late(e);
        } else {
            self.heap.push(e);
        }
        seq
    }

    /// Puts a ready instance with no requests into the idle pools.
    #[inline]
    fn make_idle(&mut self, i: u32, now: f64) {
        let tail = self.insts[IDLE_END as usize].prev;
        let inst = &mut self.insts[i as usize];
        if inst.provisioned {
            self.prov_idle.push(i);
            return;
        }
        inst.idle = true;
        inst.idle_since = now;
        inst.prev = tail;
        inst.next = IDLE_END;
        let rank = inst.rank;
        self.insts[tail as usize].next = i;
        self.insts[IDLE_END as usize].prev = i;
        self.idle_live += 1;
        if tail == IDLE_END && !self.scheduled {
            // The new head of the idle list.
            self.next_exp = self.before_end(now + self.keep_alive);
        }
        if self.idle_choice == IdleChoice::NewestCreated {
            self.ranks.insert(rank);
        }
    }

    /// Gives the live instances new creation ranks 0, 1, … in the same order, when the ranks have run out.
    #[cold]
    fn renumber(&mut self) {
        let insts = &mut self.insts;
        self.ranks.renumber(|k, old, new| {
            let inst = &mut insts[k as usize];
            (inst.alive && inst.rank == old).then(|| {
                inst.rank = new;
                inst.idle
            })
        });
    }

    /// The idle instance that has been idle longest, if any.
    #[inline(always)]
    fn idle_head(&self) -> Option<u32> {
        let head = self.insts[IDLE_END as usize].next;
        (head != IDLE_END).then_some(head)
    }

    /// Takes idle instance `i` out of the idle list.
    #[inline]
    fn unlink(&mut self, i: u32) {
        let inst = &mut self.insts[i as usize];
        let (prev, next, rank) = (inst.prev, inst.next, inst.rank);
        inst.idle = false;
        self.insts[prev as usize].next = next;
        self.insts[next as usize].prev = prev;
        self.idle_live -= 1;
        if prev == IDLE_END {
            // The head left: the next one (if any) expires next.
            self.next_exp = match next {
                IDLE_END => f64::INFINITY,
                _ if self.scheduled => f64::INFINITY,
                _ => self.before_end(self.insts[next as usize].idle_since + self.keep_alive),
            };
        }
        if self.idle_choice == IdleChoice::NewestCreated {
            self.ranks.remove(rank);
        }
    }

    #[inline]
    fn live(&self, i: u32, gen: u32) -> bool {
        self.insts[i as usize].gen == gen
    }

    /// Takes an idle on-demand instance out of the pool, by the idle-choice policy.
    #[inline(always)]
    fn take_idle(&mut self) -> Option<u32> {
        if self.idle_live == 0 {
            return None;
        }
        let i = match self.idle_choice {
            IdleChoice::NewestCreated => self.ranks.slot(self.ranks.max()?),
            IdleChoice::MostRecentlyUsed => self.insts[IDLE_END as usize].prev,
            IdleChoice::LeastRecentlyUsed => self.insts[IDLE_END as usize].next,
        };
        self.unlink(i);
        Some(i)
    }

    /// A slot for one more request: a partly busy instance, an idle provisioned one, an idle on-demand one, or one
    /// still initialising with nobody waiting on it.
    #[inline(always)]
    fn take_slot(&mut self) -> Option<u32> {
        if let Some(&i) = self.partial.last() {
            return Some(i);
        }
        if let Some(i) = self.prov_idle.pop() {
            return Some(i);
        }
        if let Some(i) = self.take_idle() {
            return Some(i);
        }
        self.take_init_empty()
    }

    /// An instance the autoscaler started that is still initialising with no request assigned, skipping stale entries.
    fn take_init_empty(&mut self) -> Option<u32> {
        while let Some((i, g)) = self.init_empty.pop() {
            if self.live(i, g) && self.insts[i as usize].initializing && self.insts[i as usize].active == 0 {
                return Some(i);
            }
        }
        None
    }

    fn partial_remove(&mut self, i: u32) {
        let pos = self.insts[i as usize].partial_pos;
        if pos != NONE {
            self.partial.swap_remove(pos as usize);
            if let Some(&moved) = self.partial.get(pos as usize) {
                self.insts[moved as usize].partial_pos = pos;
            }
            self.insts[i as usize].partial_pos = NONE;
        }
    }

    fn partial_add(&mut self, i: u32) {
        if self.insts[i as usize].partial_pos == NONE {
            self.insts[i as usize].partial_pos = self.partial.len() as u32;
            self.partial.push(i);
        }
    }

    /// Gives a request (arrived at `arrival`, counted in bin `bin`) to instance `i` at `now`.
    #[inline(always)]
    fn assign(&mut self, i: u32, now: f64, arrival: f64, bin: u32, mut flags: u8) {
        let c = self.c;
        let inst = &mut self.insts[i as usize];
        if inst.initializing {
            flags |= F_COLD;
        } else if inst.active == 0 {
            self.n_idle -= 1;
            self.n_busy += 1;
        }
        inst.active += 1;
        let (active, ready_at, initializing) = (inst.active, inst.ready_at, inst.initializing);
        if c > 1 {
            if active < c {
                self.partial_add(i)
            } else {
                self.partial_remove(i)
            }
        }
        let start = if initializing { ready_at } else { now };
        if initializing {
            self.n_waiting_init += 1;
        } else {
            self.n_running += 1;
        }
        let service = if flags & F_PING != 0 {
            self.p.prewarm.map_or(0.0, |w| w.duration)
        } else if flags & F_COLD != 0 && self.separate_cold {
            self.cold.sample(&mut self.rng)
        } else {
            self.warm.sample(&mut self.rng)
        };
        // Billing, charged to the bin the request arrived in.
        let mut billed = service;
        if flags & F_COLD != 0 && self.bill_init {
            billed += start - now;
        }
        let billed = self.p.pricing.billed_seconds(billed) * self.gb;
        if bin != NONE {
            let provisioned = self.insts[i as usize].provisioned;
            let b = &mut self.bins[bin as usize];
            if flags & F_PING == 0 {
                // Its latency's parts: queued until now, then its instance's init, then its service.
                b.parts.get_or_insert_with(Default::default).add(now - arrival, start - now, service);
            }
            let u = &mut b.usage;
            u.requests += 1.0;
            if provisioned {
                u.provisioned_duration_gb_s += billed
            } else {
                u.gb_s += billed
            }
        }
        let req = Req { arrival, start, inst: i, bin, flags };
        let slot = match self.free_reqs.pop() {
            Some(k) => {
                self.reqs[k as usize] = req;
                k
            }
            None => {
                self.reqs.push(req);
                (self.reqs.len() - 1) as u32
            }
        };
        self.push(start + service, slot);
    }

    fn throttle(&mut self, arrival: f64, timed_out: bool) {
        self.refused += 1;
        let k = self.measured_bin(arrival);
        if k != NONE {
            let bin = &mut self.bins[k as usize];
            if timed_out {
                bin.timed_out += 1
            } else {
                bin.throttled += 1
            }
        }
    }

    fn arrive(&mut self, t: f64) {
        let k = self.measured_bin(t);
        if k != NONE {
            self.bins[k as usize].arrivals += 1;
        }
        self.tick_arrivals += 1;
        if self.queue.is_empty() {
            if let Some(i) = self.take_slot() {
                self.assign(i, t, t, k, 0);
                return;
            }
            if self.may_start_for_request(t) {
                self.start_for(t, t, k, 0);
                return;
            }
        }
        match self.p.overflow {
            Overflow::Queue { max_len, .. } if (self.queue.len() as u64) < max_len as u64 => self.queue.push_back(t),
            _ => self.throttle(t, false),
        }
    }

    /// Whether a request that found no slot may start an instance now: always under the per-request policy, and
    /// under the scheduled ones only when there is no instance at all (the activator); takes a token if so.
    fn may_start_for_request(&mut self, now: f64) -> bool {
        (!self.scheduled || self.n_alive() == 0) && self.may_start(now)
    }

    /// Starts an instance for a request (arrived at `arrival`) and gives it the request: cold under the SimFaaS
    /// convention at once, otherwise through the instance's init.
    fn start_for(&mut self, now: f64, arrival: f64, bin: u32, flags: u8) {
        let i = self.start_instance(now, true);
        let cold = if self.separate_cold { F_COLD } else { 0 };
        self.assign(i, now, arrival, bin, flags | cold);
    }

    /// Serves waiting requests while there are slots or instances may start.
    fn serve_queue(&mut self, now: f64) {
        while let Some(&arrival) = self.queue.front() {
            let bin = self.measured_bin(arrival);
            if let Some(i) = self.take_slot() {
                self.queue.pop_front();
                self.assign(i, now, arrival, bin, 0);
            } else if self.may_start_for_request(now) {
                self.queue.pop_front();
                self.start_for(now, arrival, bin, 0);
            } else {
                break;
            }
        }
    }

    fn kill(&mut self, i: u32) {
        self.removed += 1;
        let inst = &mut self.insts[i as usize];
        inst.alive = false;
        inst.gen = inst.gen.wrapping_add(1);
        if inst.initializing {
            self.n_init -= 1;
        } else {
            self.n_idle -= 1;
        }
        self.free.push(i);
    }

    fn complete(&mut self, t: f64, slot: u32) {
        let ev = self.reqs[slot as usize];
        self.free_reqs.push(slot);
        self.n_running -= 1;
        if ev.flags & F_PING == 0 && ev.bin != NONE {
            let lat = t - ev.arrival;
            let bin = &mut self.bins[ev.bin as usize];
            bin.completed += 1;
            bin.hist.get_or_insert_with(Default::default).record(lat);
            if ev.flags & F_COLD != 0 {
                bin.cold += 1;
                self.cold_h.record(lat);
            } else {
                self.warm_min = fmin(self.warm_min, lat);
                self.warm_max = if lat > self.warm_max { lat } else { self.warm_max };
            }
            self.wait_sum += ev.start - ev.arrival;
        }
        let i = ev.inst;
        let c = self.c;
        let inst = &mut self.insts[i as usize];
        inst.active -= 1;
        let active = inst.active;
        if active == 0 {
            self.n_busy -= 1;
            self.n_idle += 1;
            if c > 1 {
                self.partial_remove(i);
            }
            if self.excess > 0 && !self.insts[i as usize].provisioned {
                self.excess -= 1;
                self.kill(i);
            } else {
                self.make_idle(i, t);
            }
        } else if c > 1 {
            self.partial_add(i);
        }
        if !self.queue.is_empty() {
            self.serve_queue(t);
        }
    }

    fn ready(&mut self, i: u32, seq: u32, t: f64) {
        let inst = &mut self.insts[i as usize];
        if !inst.alive || !inst.initializing || inst.ready_seq != seq {
            return;
        }
        inst.initializing = false;
        self.n_init -= 1;
        let active = inst.active;
        if active > 0 {
            self.n_busy += 1;
            self.n_waiting_init -= active;
            self.n_running += active;
        } else {
            inst.gen = inst.gen.wrapping_add(1);
            self.n_idle += 1;
            self.make_idle(i, t);
            if !self.queue.is_empty() {
                self.serve_queue(t);
            }
        }
    }

    /// Next keep-alive expiry before the end (per-request policy only): the head of the idle list's ([`Sim::next_exp`]).
    #[inline(always)]
    fn next_expiry(&self) -> f64 {
        debug_assert_eq!(
            self.next_exp.to_bits(),
            match self.idle_head() {
                Some(i) if !self.scheduled => self.before_end(self.insts[i as usize].idle_since + self.keep_alive),
                _ => f64::INFINITY,
            }
            .to_bits(),
            "the next expiry kept is the idle list head's"
        );
        self.next_exp
    }

    /// `t` if it is before the end of the run, otherwise never.
    #[inline(always)]
    fn before_end(&self, t: f64) -> f64 {
        if t < self.end {
            t
        } else {
            f64::INFINITY
        }
    }

    fn expire(&mut self) {
        if let Some(i) = self.idle_head() {
            self.unlink(i);
            self.kill(i);
        }
    }

    fn ping(&mut self, t: f64) {
        let w = self.p.prewarm.expect("pings only with prewarm");
        let bin = self.measured_bin(t);
        for _ in 0..w.count {
            if let Some(i) = self.take_slot() {
                self.assign(i, t, t, bin, F_PING);
            } else if self.may_start(t) {
                self.start_for(t, t, bin, F_PING);
            }
        }
        self.next_ping = self.before_end(t + w.interval);
    }

    /// One autoscaler decision.
    fn tick(&mut self, t: f64, curve: &LoadCurve) {
        let p = Arc::clone(&self.p);
        let c = self.c as f64;
        // What the policy measured (in-flight requests, or a rate [req/s]) and what it expects.
        let (measured, predicted);
        let (desired, interval, stabilization, cap) = match p.policy {
            Policy::PerRequest => unreachable!("no ticks under the per-request policy"),
            Policy::TargetTracking { target, interval, window, stabilization, max_scale } => {
                let avg = self.tick_area / interval;
                self.window.push_back(avg);
                let k = (window / interval).round().max(1.0) as usize;
                while self.window.len() > k {
                    self.window.pop_front();
                }
                let mean = self.window.iter().sum::<f64>() / self.window.len() as f64;
                measured = mean;
                predicted = mean;
                ((mean / (target * c)).ceil(), interval, stabilization, max_scale)
            }
            Policy::Proportional { r_min, r_max, interval } => {
                let peak = curve.peak();
                let share = if peak > 0.0 { curve.rate_at(t) / peak } else { 0.0 };
                measured = curve.rate_at(t);
                predicted = measured;
                ((r_min as f64 + (r_max - r_min) as f64 * share).ceil(), interval, 0.0, r_max)
            }
            Policy::Predictive { alpha, beta, interval, target, stabilization, max_scale } => {
                let observed = self.tick_arrivals as f64 / interval;
                let (level, trend) = match self.holt {
                    None => (observed, 0.0),
                    Some((l, b)) => {
                        let l2 = alpha * observed + (1.0 - alpha) * (l + b);
                        (l2, beta * (l2 - l) + (1.0 - beta) * b)
                    }
                };
                self.holt = Some((level, trend));
                let cold_mean = match &p.cold {
                    ColdMode::InitThenWarm { init } => init.mean(),
                    ColdMode::SeparateCold { cold_service } => cold_service.mean(),
                };
                let h = (cold_mean + interval) / interval;
                let forecast = (level + trend * h).max(0.0);
                measured = observed;
                predicted = forecast;
                ((forecast * p.warm_service.mean() / (target * c)).ceil(), interval, stabilization, max_scale)
            }
        };
        self.tick_area = 0.0;
        self.tick_arrivals = 0;
        let desired = (desired.max(0.0) as u32).min(cap).min(p.max_instances).max(p.provisioned);
        self.recent_desired.push_back((t, desired));
        while self.recent_desired.front().is_some_and(|&(s, _)| s < t - stabilization) {
            self.recent_desired.pop_front();
        }
        let floor = self.recent_desired.iter().map(|&(_, d)| d).max().unwrap_or(desired);
        let alive = self.n_alive();
        let (started, removed) = (self.started, self.removed);
        if desired > alive {
            self.excess = 0;
            for _ in alive..desired {
                if !self.may_start(t) {
                    break;
                }
                let i = self.start_instance(t, false);
                if !self.insts[i as usize].initializing {
                    self.make_idle(i, t);
                }
            }
            self.serve_queue(t);
        } else if floor < alive {
            let mut remove = alive - floor;
            while remove > 0 {
                let Some(i) = self.take_idle().or_else(|| self.take_init_empty()) else { break };
                self.kill(i);
                remove -= 1;
            }
            self.excess = remove;
        } else {
            self.excess = 0;
        }
        let d = Decision {
            t,
            measured,
            predicted,
            desired,
            keep: floor,
            alive,
            started: (self.started - started) as u32,
            removed: (self.removed - removed) as u32,
        };
        self.decisions += 1;
        self.last_decision = Some(d);
        if let Some(bins) = self.decision_bins.as_mut() {
            let k = ((t * self.inv_width) as usize).min(bins.len() - 1);
            bins[k] = Some(d);
        }
        self.next_tick = self.before_end(t + interval);
    }

    /// When the rate limit next allows an instance for a waiting request, if that is what it waits for.
    fn token_wake(&self) -> f64 {
        if self.token_rate > 0.0
            && self.tokens < 1.0
            && self.n_alive() < self.p.max_instances
            && (!self.scheduled || self.n_alive() == 0)
        {
            (self.token_last + (1.0 - self.tokens) / self.token_rate).max(self.last)
        } else {
            f64::INFINITY
        }
    }

    /// Runs the whole curve, one bin's worth of simulated time per call of [`Sim::run_until`]. In WebAssembly this
    /// matters: V8 first runs a function in baseline code and swaps in optimised code only for later calls (there
    /// is no on-stack replacement for wasm), so a run made of one long call stayed in baseline code to the end
    /// (the first run in a page was about 1.5× slower than the next).
    fn run(&mut self, curve: &LoadCurve) {
        let mut stop = 0.0;
        while let Some(next) = self.run_until(stop, curve) {
            // Past a long quiet stretch (a very long request after the end) in one step.
            stop = next.max(stop) + self.width;
        }
    }

    /// Takes the events before `stop` [s]; returns the time of the next one, or `None` when there are none left.
    #[inline(never)]
    fn run_until(&mut self, stop: f64, curve: &LoadCurve) -> Option<f64> {
        let timeout = self.timeout;
        loop {
            let next_arrival = self.next_arrival;
            let t_ev = self.heap.peek_time();
            // The rarer kinds (expiries, queue time-outs, pings, ticks, refills) are taken before an arrival at the
            // same time, in this order; next_ping and next_tick are already infinite past the end.
            let t_exp = self.next_expiry();
            let (t_timeout, t_token) = if self.queue.is_empty() {
                (f64::INFINITY, f64::INFINITY)
            } else {
                (self.queue.front().map_or(f64::INFINITY, |&a| a + timeout), self.token_wake())
            };
            let t_other = fmin(fmin(t_exp, t_timeout), fmin(fmin(self.next_ping, self.next_tick), t_token));
            let t = fmin(fmin(t_ev, next_arrival), t_other);
            if t == f64::INFINITY {
                return None;
            }
            if t >= stop {
                return Some(t);
            }
            self.advance(t);
            if t_ev == t {
                let ev = self.heap.pop().expect("peeked");
                if ev.id & READY != 0 {
                    self.ready(ev.id & !READY, ev.seq, t)
                } else {
                    self.complete(t, ev.id)
                }
            } else if t_other == t {
                if t_exp == t {
                    self.expire();
                } else if t_timeout == t {
                    let a = self.queue.pop_front().expect("front");
                    self.throttle(a, true);
                } else if self.next_ping == t {
                    self.ping(t);
                } else if self.next_tick == t {
                    self.tick(t, curve);
                } else {
                    self.serve_queue(t);
                }
            } else {
                self.arrive(t);
                self.next_arrival = self.arrivals.take();
            }
        }
    }

    fn finish(mut self, curve: &LoadCurve) -> SimResult {
        let p = Arc::clone(&self.p);
        let measured = (self.end - self.warmup).max(0.0);
        let width = self.width;
        let warmup = self.warmup;
        let end = self.end;
        let gb = self.gb;
        // Every measured latency is in some bin's histogram; the warm ones are all of them but the cold ones.
        let mut all = Histogram::default();
        for h in self.bins.iter().filter_map(|b| b.hist.as_deref()) {
            all.merge(h);
        }
        let warm = all.without(&self.cold_h, self.warm_min, self.warm_max);
        let bins: Vec<Bin> = self
            .bins
            .iter_mut()
            .enumerate()
            .map(|(k, b)| {
                let t0 = k as f64 * width;
                let t1 = ((k + 1) as f64 * width).min(end);
                let span = (t1.min(end) - t0.max(warmup)).max(0.0);
                let per = |a: f64| if span > 0.0 { a / span } else { 0.0 };
                let mut usage = b.usage;
                usage.provisioned_enabled_gb_s = p.provisioned as f64 * gb * span;
                Bin {
                    t: t0,
                    arrivals: b.arrivals,
                    completed: b.completed,
                    throttled: b.throttled,
                    timed_out: b.timed_out,
                    cold_starts: b.cold,
                    queue: per(b.queue),
                    busy: per(b.busy),
                    idle: per(b.idle),
                    initializing: per(b.init),
                    latency: b.hist.take().map(|h| h.percentiles()).unwrap_or_default(),
                    parts: b.parts.take().map(|p| p.parts()).unwrap_or_default(),
                    cost: 0.0,
                    usage,
                }
            })
            .collect();
        let arrivals: u64 = bins.iter().map(|b| b.arrivals).sum();
        let completed: u64 = bins.iter().map(|b| b.completed).sum();
        let throttled: u64 = bins.iter().map(|b| b.throttled).sum();
        let timed_out: u64 = bins.iter().map(|b| b.timed_out).sum();
        let cold_starts: u64 = bins.iter().map(|b| b.cold_starts).sum();
        let per = |a: f64| if measured > 0.0 { a / measured } else { 0.0 };
        let (mut area_busy, mut area_idle, mut area_init) = (0.0, 0.0, 0.0);
        for b in self.bins.iter() {
            area_busy += b.busy;
            area_idle += b.idle;
            area_init += b.init;
        }
        let (avg_running, avg_idle, avg_init) = (per(area_busy), per(area_idle), per(area_init));
        let avg_instances = avg_running + avg_idle + avg_init;
        let latency = all.percentiles();
        let latency_warm = warm.percentiles();
        let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
        let summary = Summary {
            measured_seconds: measured,
            arrivals,
            completed,
            throttled,
            timed_out,
            in_flight: arrivals.saturating_sub(completed + throttled + timed_out),
            cold_starts,
            cold_start_prob: ratio(cold_starts, completed),
            rejection_prob: ratio(throttled + timed_out, arrivals),
            latency,
            latency_warm,
            latency_cold: self.cold_h.percentiles(),
            p99_cold_share: if latency.p99 > 0.0 {
                ((latency.p99 - latency_warm.p99) / latency.p99).max(0.0)
            } else {
                0.0
            },
            mean_wait: if completed > 0 { self.wait_sum / completed as f64 } else { 0.0 },
            avg_instances,
            avg_running,
            avg_idle,
            avg_initializing: avg_init,
            utilization: if avg_instances > 0.0 { avg_running / avg_instances } else { 0.0 },
            peak_instances: self.peak_instances,
            instances_started: self.started,
            avg_in_system: per(self.area_system),
            // Priced by `reprice` below.
            bill: Default::default(),
            cost_per_million: 0.0,
            // From the bins' usage, below.
            gb_s_per_request: 0.0,
            always_on_cost: 0.0,
            always_on_servers: 0,
        };
        let mut r = SimResult { bin_width: width, bins, summary };
        let usage = r.usage();
        if completed > 0 {
            r.summary.gb_s_per_request = (usage.gb_s + usage.provisioned_duration_gb_s) / completed as f64;
        }
        r.reprice(&p.pricing, &p.always_on, curve.peak());
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_creation_ranks_changes_no_choice() {
        // A 10 ms keep-alive, so most requests start an instance: ~60,000 creations, renumbered every ~200 with a
        // limit of 256 ranks (at most ~30 instances alive at once). Same result as without renumbering.
        let curve = LoadCurve::from_pairs(&[(0.0, 20.0), (600.0, 120.0), (1200.0, 20.0)]).unwrap();
        let p = ScalingParams { keep_alive: 0.01, ..ScalingParams::default() };
        let run = |ranks: Ranks| {
            let mut s = Sim::with_ranks(&curve, &p, 9, ranks);
            s.run(&curve);
            let renumbered = s.ranks.renumbered;
            (s.finish(&curve), renumbered)
        };
        let (plain, none) = run(Ranks::default());
        let (small, many) = run(Ranks::with_limit(256));
        assert_eq!(none, 0);
        assert!(many > 100, "renumbered {many} times");
        assert!(plain.summary.cold_starts > 30_000, "{} cold starts", plain.summary.cold_starts);
        assert_eq!(plain, small);
        // The choice matters here: the least recently used instance instead gives other figures.
        let lru = ScalingParams { idle_choice: IdleChoice::LeastRecentlyUsed, ..p.clone() };
        assert_ne!(simulate(&curve, &lru, 9).summary, plain.summary);
    }

    #[test]
    fn a_run_in_slices_equals_one_in_a_single_call() {
        let curve = LoadCurve::from_pairs(&[(0.0, 5.0), (600.0, 80.0), (1200.0, 0.0), (1800.0, 20.0)]).unwrap();
        for c in [1, 4] {
            let p = ScalingParams { concurrency_per_instance: c, ..ScalingParams::default() };
            let mut whole = Sim::new(&curve, &p, 3);
            assert_eq!(whole.run_until(f64::INFINITY, &curve), None);
            assert_eq!(simulate(&curve, &p, 3), whole.finish(&curve));
        }
    }

    /// Instances 0..4 created in that order become idle in the order 2, 0, 3, 1; instance 3 then expires (head of
    /// the idle list after 2 and 0 are taken, or by expiry). Each policy takes its own order.
    fn taken(choice: IdleChoice) -> (Vec<u32>, Vec<u32>) {
        let curve = LoadCurve::constant(1.0, 100.0).unwrap();
        let p = ScalingParams { idle_choice: choice, ..ScalingParams::default() };
        let mut s = Sim::new(&curve, &p, 1);
        let ids: Vec<u32> = (0..4).map(|_| s.new_instance(0.0, false)).collect();
        for (k, &i) in [2, 0, 3, 1].iter().enumerate() {
            s.n_idle += 1;
            s.make_idle(ids[i], k as f64);
        }
        // The head of the idle list expires first: the one idle longest.
        let nth = |i: u32| ids.iter().position(|&j| j == i).unwrap() as u32;
        let expiring = nth(s.idle_head().unwrap());
        s.expire();
        let order = std::iter::from_fn(|| s.take_idle()).map(nth).collect();
        (vec![expiring], order)
    }

    #[test]
    fn idle_choices_take_their_own_order_and_expiry_takes_the_longest_idle() {
        assert_eq!(taken(IdleChoice::NewestCreated), (vec![2], vec![3, 1, 0]));
        assert_eq!(taken(IdleChoice::MostRecentlyUsed), (vec![2], vec![1, 3, 0]));
        assert_eq!(taken(IdleChoice::LeastRecentlyUsed), (vec![2], vec![0, 3, 1]));
    }
}
