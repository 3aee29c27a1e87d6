//! The execution plan of a model's run: its pieces ([`ModelKind::pieces`]) split into groups of about equal work,
//! one group per worker slot, whose outputs merge into exactly the whole run ([`Output::merge`]).

use super::registry::{ModelKind, Output};
use super::scenario::Scenario;

/// A model's pieces in at most `n` groups of about equal work: the largest piece first, each into the group with
/// the least work so far. Each group lists its pieces in ascending order. A piece `apart` is left out of the
/// groups and comes last, in a group of its own.
pub fn split(s: &Scenario, kind: ModelKind, n: usize, apart: Option<usize>) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..kind.pieces(s).len()).collect();
    split_pieces(&kind.pieces(s), n, &all, apart)
}

/// [`split`] of the pieces `which` of a model whose pieces weigh `pieces` (the others are known, kept from earlier
/// runs); `apart` is left alone unless it is one of them.
pub fn split_pieces(pieces: &[f64], n: usize, which: &[usize], apart: Option<usize>) -> Vec<Vec<usize>> {
    let which: Vec<usize> = which.iter().copied().filter(|&i| i < pieces.len()).collect();
    let apart = apart.filter(|a| which.contains(a));
    let others = which.len() - usize::from(apart.is_some());
    let n = n.clamp(1, others.max(1));
    let mut order: Vec<usize> = which.iter().copied().filter(|&i| Some(i) != apart).collect();
    order.sort_by(|&a, &b| pieces[b].total_cmp(&pieces[a]).then(a.cmp(&b)));
    let mut groups: Vec<(f64, Vec<usize>)> = vec![(0.0, Vec::new()); n];
    for i in order {
        let lightest = (0..n).min_by(|&a, &b| groups[a].0.total_cmp(&groups[b].0)).unwrap_or(0);
        groups[lightest].0 += pieces[i];
        groups[lightest].1.push(i);
    }
    groups
        .into_iter()
        .filter(|(_, g)| !g.is_empty())
        .map(|(_, mut g)| {
            g.sort_unstable();
            g
        })
        .chain(apart.map(|a| vec![a]))
        .collect()
}

/// The piece of `kind`'s run that another model's whole run of `s` gives ([`super::registry::Model::given_piece`]):
/// that model and the piece.
pub fn given_piece(s: &Scenario, kind: ModelKind) -> Option<(ModelKind, usize)> {
    kind.model().given_piece(s)
}

/// The output of the piece [`given_piece`] names, from `given`, the giving model's output for `s`.
pub fn piece_from(s: &Scenario, kind: ModelKind, given: &Output) -> Option<Output> {
    kind.model().piece_from(s, given)
}
