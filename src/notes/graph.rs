//! The link graph and its PageRank, exactly as the plugin computes them
//! with pagerank.js (pure).
//!
//! Nodes are kept in insertion order (the order of the `link` calls: each
//! note in path order, its targets in link order), because pagerank.js
//! walks its nodes in that order and floating-point sums depend on it.
//! Each edge weight is the link count divided by the source's total; all
//! ranks start at 1/N; each round every node gets (1 − α)/N plus α × the
//! rank leaked by nodes without outgoing links / N, plus α × rank × weight
//! along each incoming edge, added in pagerank.js's order; rounds stop when
//! the summed absolute change is at most ε. The plugin uses α = 0.85,
//! ε = 1e-6 and multiplies the ranks by 10 000.

use std::collections::HashMap;

/// The plugin's damping factor.
pub const ALPHA: f64 = 0.85;
/// The plugin's convergence tolerance.
pub const EPSILON: f64 = 0.000_001;

/// A weighted directed graph of note paths.
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    nodes: Vec<String>,
    index: HashMap<String, usize>,
    /// Per source: targets in first-link order with their summed weight.
    edges: Vec<Vec<(usize, f64)>>,
    /// Per node: the total weight of its outgoing edges.
    outbound: Vec<f64>,
    /// `(source, target)` → position of the edge in `edges[source]`.
    edge_at: HashMap<(usize, usize), usize>,
}

impl LinkGraph {
    fn node(&mut self, path: &str) -> usize {
        if let Some(&i) = self.index.get(path) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(path.to_owned());
        self.index.insert(path.to_owned(), i);
        self.edges.push(Vec::new());
        self.outbound.push(0.0);
        i
    }

    /// pagerank.js's `link(source, target, weight)`: adds both nodes (source
    /// first) and `weight` to the edge.
    pub fn link(&mut self, source: &str, target: &str, weight: f64) {
        let s = self.node(source);
        self.outbound[s] += weight;
        let t = self.node(target);
        if let Some(&i) = self.edge_at.get(&(s, t)) {
            self.edges[s][i].1 += weight;
        } else {
            self.edge_at.insert((s, t), self.edges[s].len());
            self.edges[s].push((t, weight));
        }
    }

    /// The nodes in insertion order.
    #[must_use]
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// pagerank.js's `rank(alpha, epsilon)`: one rank per node, in node order.
    #[must_use]
    pub fn rank(&self, alpha: f64, epsilon: f64) -> Vec<f64> {
        let n = self.nodes.len();
        if n == 0 {
            return Vec::new();
        }
        let inverse = 1.0 / n as f64;
        let edges: Vec<Vec<(usize, f64)>> = self
            .edges
            .iter()
            .zip(&self.outbound)
            .map(|(targets, &out)| {
                targets.iter().map(|&(t, w)| (t, if out > 0.0 { w / out } else { w })).collect()
            })
            .collect();
        let mut weight = vec![inverse; n];
        let mut prev = vec![0.0; n];
        let mut delta = 1.0;
        while delta > epsilon {
            let mut leak = 0.0;
            for i in 0..n {
                prev[i] = weight[i];
                if self.outbound[i] == 0.0 {
                    leak += weight[i];
                }
                weight[i] = 0.0;
            }
            leak *= alpha;
            for source in 0..n {
                for &(target, w) in &edges[source] {
                    weight[target] += alpha * prev[source] * w;
                }
                weight[source] += (1.0 - alpha) * inverse + leak * inverse;
            }
            delta = 0.0;
            for i in 0..n {
                delta += (weight[i] - prev[i]).abs();
            }
        }
        weight
    }

    /// The plugin's ranks: pagerank.js with α 0.85 and ε 1e-6, × 10 000,
    /// by path.
    #[must_use]
    pub fn plugin_ranks(&self) -> HashMap<String, f64> {
        self.nodes.iter().cloned().zip(self.rank(ALPHA, EPSILON).into_iter().map(|r| r * 10000.0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-for-bit equality: the ranks must be exactly pagerank.js's.
    fn same(got: f64, want: f64) {
        assert_eq!(got.to_bits(), want.to_bits(), "got {got}, want {want}");
    }

    fn graph(edges: &[(&str, &str, f64)]) -> LinkGraph {
        let mut g = LinkGraph::default();
        for (s, t, w) in edges {
            g.link(s, t, *w);
        }
        g
    }

    // Expected values printed by pagerank.js 1.0.2 under node:
    // g.link(...) in this order, then g.rank(0.85, 0.000001, (n, r) => r * 10000).

    #[test]
    fn ranks_match_pagerank_js_with_a_self_loop() {
        let g = graph(&[
            ("a", "b", 2.0),
            ("a", "c", 1.0),
            ("b", "c", 1.0),
            ("c", "a", 1.0),
            ("d", "c", 3.0),
            ("d", "d", 1.0),
        ]);
        let r = g.plugin_ranks();
        assert_eq!(g.nodes(), ["a", "b", "c", "d"]);
        same(r["a"], 3_495.992_318_166_416_7);
        same(r["b"], 2_356.060_788_104_573);
        same(r["c"], 3_671.756_417_538_532);
        same(r["d"], 476.190_476_190_476_3);
    }

    #[test]
    fn ranks_match_pagerank_js_with_a_sink() {
        let g = graph(&[("a", "b", 1.0), ("a", "c", 2.0), ("b", "c", 1.0), ("d", "a", 1.0)]);
        let r = g.plugin_ranks();
        same(r["a"], 2_396.980_596_380_442_4);
        same(r["b"], 1_974.810_032_902_858_7);
        same(r["c"], 4_332.544_112_654_133);
        same(r["d"], 1_295.665_258_062_564_6);
    }

    #[test]
    fn ranks_of_case_42() {
        let g = graph(&[
            ("Plain.md", "Topics/Raft.md", 1.0),
            ("Topics/Consensus.md", "Topics/Raft.md", 1.0),
            ("Topics/Consensus.md", "Topics/Paxos.md", 1.0),
            ("Topics/Raft.md", "Topics/Paxos.md", 1.0),
        ]);
        let r = g.plugin_ranks();
        same(r["Plain.md"], 1_309.972_438_573_715_4);
        same(r["Topics/Raft.md"], 2_980.185_312_226_051_3);
        same(r["Topics/Consensus.md"], 1_309.972_438_573_715_4);
        same(r["Topics/Paxos.md"], 4_399.869_810_626_518);
    }

    #[test]
    fn an_empty_graph_has_no_ranks() {
        assert!(LinkGraph::default().plugin_ranks().is_empty());
    }
}
