//! Positions for the portal's communication map: a force-directed layout
//! (Fruchterman–Reingold) with the nodes held in groups — zones as separate
//! clusters, or Purdue levels as horizontal bands, level 0 at the bottom.
//!
//! Pure: no I/O, no clock, no hidden randomness. The same input and seed give
//! the same positions on every platform that rounds IEEE 754 the same way
//! (native and wasm32 do), so the server, tests and the browser agree.
//!
//! ```
//! use maplayout::{Grouping, Options, layout};
//! // Three nodes, two in group 0 and one in group 1; one edge.
//! let out = layout(&[0, 0, 1], &[(0, 1)], &Options::new(Grouping::Clusters));
//! assert_eq!(out.positions.len(), 3);
//! assert!(out.positions.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
//! ```
//!
//! # How
//!
//! Each iteration moves every node by the sum of three forces, capped by a
//! temperature that cools linearly to a small floor:
//! - repulsion `k²/d` between the nodes of one group, far ones taken
//!   together through a Barnes–Hut quadtree (a cell seen at an angle under
//!   `THETA` acts as one mass), so an iteration costs O(n log n) rather
//!   than O(n²); nodes of different groups do not push each other, their
//!   areas already keep them apart;
//! - attraction `d²/k` along each edge (pairs deduplicated, so three
//!   protocols between two assets pull like one);
//! - a pull to the node's group: to the cluster's centre, or to the band's
//!   middle line (and to the band's centre across), as strong at the rim as
//!   the group's own mass pushes out.
//!
//! After each move a node is put back inside its group's area (a disc for a
//! cluster, a slab for a band), so groups never overlap whatever the edges
//! between them pull. The number of iterations is fixed by the caller
//! ([`Options::iterations`]), so the cost is bounded.
//!
//! A first version cut repulsion off at `2k` (a grid instead of a tree): a
//! dense group (degree 10) then collapsed into a clump where every node had
//! hundreds of near neighbours, and 2,000 nodes took longer than with the
//! tree.
//!
//! # Why not a crate from crates.io
//!
//! Read on docs.rs, not built: `fdg-sim` is a simulation loop on top of
//! `petgraph` and `glam`; `forceatlas2` is AGPL-3.0-only, which this
//! Apache-2.0 product cannot ship to browsers; `fa2` (ForceAtlas2 with
//! Barnes–Hut) is the closest. None holds nodes inside group areas (discs
//! per zone, bands per Purdue level), which is what makes the map readable
//! for a plant, so that part would have been ours anyway, on top of a
//! dependency in the map's WASM chunk. What is here has no dependency, so
//! it builds for wasm32 and with rust-version 1.95 as the rest does.

#![forbid(unsafe_code)]

/// A point in layout units (the ideal edge length is [`IDEAL`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// How nodes are held together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Each group is a disc of its own; discs are packed in rows, by group
    /// number, left to right and top to bottom.
    Clusters,
    /// Each group is a horizontal band; the lowest group number at the
    /// bottom (a larger `y`, as on a screen), the next above it, with no gap
    /// for an unused number.
    Bands,
}

/// How to lay out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub grouping: Grouping,
    /// Moves per node; the cost is linear in it.
    pub iterations: u32,
    /// Seeds the starting positions.
    pub seed: u64,
}

impl Options {
    /// 200 iterations, seed 1: settled for the graphs of up to 2,000 nodes
    /// the map is built for, in a fraction of a second (docs/BENCHMARKS.md).
    pub fn new(grouping: Grouping) -> Self {
        Options {
            grouping,
            iterations: 200,
            seed: 1,
        }
    }
}

/// The rectangle a group's nodes occupy, for drawing its frame and name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub group: u32,
    pub min: Point,
    pub max: Point,
}

/// Where each node goes, in input order, and each group's rectangle (by
/// group number).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub positions: Vec<Point>,
    pub regions: Vec<Region>,
}

/// The ideal distance between two connected nodes, in layout units.
pub const IDEAL: f64 = 40.0;

/// Space left between two groups' areas.
const GAP: f64 = 2.0 * IDEAL;

/// Lays out nodes `0..groups.len()`, node `i` in group `groups[i]`, joined by
/// `edges` (pairs of node indices; a pair naming a node that does not exist,
/// or a node with itself, is ignored).
pub fn layout(groups: &[u32], edges: &[(u32, u32)], options: &Options) -> Layout {
    let n = groups.len();
    if n == 0 {
        return Layout::default();
    }
    let pairs = unique_pairs(n, edges);
    let areas = areas(groups, options.grouping);
    let area_of = |g: u32| -> &Area {
        // `areas` holds every group number in `groups`, sorted.
        let i = areas.binary_search_by_key(&g, |a| a.group).unwrap_or(0);
        &areas[i]
    };

    let mut rng = SplitMix(options.seed);
    let mut pos: Vec<Point> = groups
        .iter()
        .map(|&g| area_of(g).random_point(&mut rng))
        .collect();
    let mut disp = vec![Point::default(); n];
    // Each group's nodes, in the order of `areas`.
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); areas.len()];
    for (i, &g) in groups.iter().enumerate() {
        if let Ok(a) = areas.binary_search_by_key(&g, |a| a.group) {
            members[a].push(i as u32);
        }
    }
    let mut tree = QuadTree::default();
    let k2 = IDEAL * IDEAL;
    let iterations = options.iterations.max(1);
    let largest = areas.iter().map(|a| a.radius()).fold(IDEAL, f64::max);
    let hot = (largest * 0.25).max(2.0 * IDEAL);
    let cold = 0.5;

    for step in 0..iterations {
        let temperature = cold + (hot - cold) * (1.0 - f64::from(step) / f64::from(iterations));
        // Repulsion within each group, through its quadtree.
        for members in &members {
            tree.build(members, &pos);
            for &i in members {
                let i = i as usize;
                disp[i] = tree.repulsion(i, &pos, k2);
            }
        }

        // Attraction along edges. Across clusters it would only press nodes
        // against their discs' rims (the confinement wins), so it is left
        // out; across bands it pulls across only, which puts a controller
        // under the HMI that polls it.
        for &(a, b) in &pairs {
            let (a, b) = (a as usize, b as usize);
            let across = groups[a] != groups[b];
            if across && options.grouping == Grouping::Clusters {
                continue;
            }
            let (dx, mut dy, d) = delta(&pos[a], &pos[b]);
            if d < 1e-9 {
                continue;
            }
            if across {
                dy = 0.0;
            }
            let f = d * d / IDEAL;
            disp[a].x -= dx / d * f;
            disp[a].y -= dy / d * f;
            disp[b].x += dx / d * f;
            disp[b].y += dy / d * f;
        }

        // The pull of each node's group, then the move, capped and kept
        // inside the group's area.
        for (i, p) in pos.iter_mut().enumerate() {
            let area = area_of(groups[i]);
            let pull = area.pull(p);
            let (fx, fy) = (disp[i].x + pull.x, disp[i].y + pull.y);
            let length = (fx * fx + fy * fy).sqrt();
            if length > 1e-9 && length.is_finite() {
                let step = length.min(temperature);
                p.x += fx / length * step;
                p.y += fy / length * step;
            }
            area.confine(p);
        }
    }

    let regions = regions(&areas, groups, &pos, options.grouping);
    Layout {
        positions: pos,
        regions,
    }
}

/// Each unordered pair of distinct, existing nodes once.
fn unique_pairs(n: usize, edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = edges
        .iter()
        .filter(|&&(a, b)| a != b && (a as usize) < n && (b as usize) < n)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// `(x, y, distance)` from `b` to `a`.
fn delta(a: &Point, b: &Point) -> (f64, f64, f64) {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    (dx, dy, (dx * dx + dy * dy).sqrt())
}

/// Where a group's nodes are held.
#[derive(Debug, Clone, Copy)]
struct Area {
    group: u32,
    centre: Point,
    /// Half the extent across (a cluster's radius; half a band's width).
    half_width: f64,
    /// Half the extent up and down (a cluster's radius; half a band's height).
    half_height: f64,
    band: bool,
    /// The group pull's strength across and up and down.
    pull_x: f64,
    pull_y: f64,
}

impl Area {
    fn radius(&self) -> f64 {
        self.half_width.max(self.half_height)
    }

    fn random_point(&self, rng: &mut SplitMix) -> Point {
        if self.band {
            Point {
                x: self.centre.x + (rng.unit() * 2.0 - 1.0) * self.half_width,
                y: self.centre.y + (rng.unit() * 2.0 - 1.0) * self.half_height,
            }
        } else {
            // Uniform in the disc: the radius goes with the root of a uniform.
            let r = self.half_width * rng.unit().sqrt();
            let a = rng.unit() * std::f64::consts::TAU;
            Point {
                x: self.centre.x + r * a.cos(),
                y: self.centre.y + r * a.sin(),
            }
        }
    }

    /// A force towards the area's middle, growing with the distance.
    fn pull(&self, p: &Point) -> Point {
        Point {
            x: (self.centre.x - p.x) * self.pull_x,
            y: (self.centre.y - p.y) * self.pull_y,
        }
    }

    fn confine(&self, p: &mut Point) {
        if self.band {
            p.x = p.x.clamp(
                self.centre.x - self.half_width,
                self.centre.x + self.half_width,
            );
            p.y = p.y.clamp(
                self.centre.y - self.half_height,
                self.centre.y + self.half_height,
            );
        } else {
            let (dx, dy, d) = delta(p, &self.centre);
            if d > self.half_width {
                p.x = self.centre.x + dx / d * self.half_width;
                p.y = self.centre.y + dy / d * self.half_width;
            }
        }
    }
}

/// The area of each group number present, sorted by group number.
fn areas(groups: &[u32], grouping: Grouping) -> Vec<Area> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    let mut sorted = groups.to_vec();
    sorted.sort_unstable();
    for g in sorted {
        match counts.last_mut() {
            Some((last, n)) if *last == g => *n += 1,
            _ => counts.push((g, 1)),
        }
    }
    match grouping {
        Grouping::Clusters => clusters(&counts),
        Grouping::Bands => bands(&counts),
    }
}

/// A disc per group holding its nodes about `IDEAL` apart, packed in rows
/// about as wide as the whole is tall.
fn clusters(counts: &[(u32, usize)]) -> Vec<Area> {
    // A node wants about IDEAL² of room; the disc gets 1.5 times that.
    let radius =
        |n: usize| ((n as f64) * 1.5 * IDEAL * IDEAL / std::f64::consts::PI).sqrt() + IDEAL;
    let total: f64 = counts
        .iter()
        .map(|&(_, n)| (2.0 * radius(n) + GAP).powi(2))
        .sum();
    let row_width = total.sqrt().max(2.0 * radius(1) + GAP);
    let mut out = Vec::with_capacity(counts.len());
    let (mut x, mut y, mut row_height) = (0.0_f64, 0.0_f64, 0.0_f64);
    for &(group, n) in counts {
        let r = radius(n);
        let size = 2.0 * r + GAP;
        if x > 0.0 && x + size > row_width {
            x = 0.0;
            y += row_height;
            row_height = 0.0;
        }
        out.push(Area {
            group,
            centre: Point {
                x: x + size / 2.0,
                y: y + size / 2.0,
            },
            half_width: r,
            half_height: r,
            band: false,
            // At the rim, about the push of the whole group's mass from
            // its middle (n·k²/r), so the group neither piles on the rim
            // nor shrinks into its middle.
            pull_x: n as f64 * IDEAL * IDEAL / (r * r),
            pull_y: n as f64 * IDEAL * IDEAL / (r * r),
        });
        x += size;
        row_height = row_height.max(size);
    }
    out
}

/// A band per group, all of one height and centred on `x = 0`; each as wide
/// as its nodes need at that height.
fn bands(counts: &[(u32, usize)]) -> Vec<Area> {
    let height = 4.0 * IDEAL;
    let spacing = height + GAP;
    let last = counts.len().saturating_sub(1) as f64;
    counts
        .iter()
        .enumerate()
        .map(|(i, &(group, n))| {
            // The band's room (1.5·IDEAL² a node) spread over its height.
            let width = ((n as f64) * 1.5 * IDEAL * IDEAL / height).max(2.0 * IDEAL);
            Area {
                group,
                // Group order bottom-up: the first band is the lowest.
                centre: Point {
                    x: 0.0,
                    y: (last - i as f64) * spacing,
                },
                half_width: width / 2.0,
                half_height: height / 2.0,
                band: true,
                // Across, as a cluster's (n·k² over the half width²); up
                // and down only a nudge, the band's edges hold the rest.
                pull_x: n as f64 * IDEAL * IDEAL / (width * width / 4.0),
                pull_y: IDEAL / (height / 2.0),
            }
        })
        .collect()
}

/// Each group's rectangle: around its nodes (with a margin) for clusters;
/// for bands, the band's own height and one width shared by all bands, so
/// they read as stripes.
fn regions(areas: &[Area], groups: &[u32], pos: &[Point], grouping: Grouping) -> Vec<Region> {
    let margin = IDEAL / 2.0;
    let mut out: Vec<Region> = areas
        .iter()
        .map(|a| Region {
            group: a.group,
            min: Point {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            max: Point {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
        })
        .collect();
    for (g, p) in groups.iter().zip(pos) {
        if let Ok(i) = out.binary_search_by_key(g, |r| r.group) {
            let r = &mut out[i];
            r.min.x = r.min.x.min(p.x - margin);
            r.min.y = r.min.y.min(p.y - margin);
            r.max.x = r.max.x.max(p.x + margin);
            r.max.y = r.max.y.max(p.y + margin);
        }
    }
    if grouping == Grouping::Bands {
        let left = out.iter().map(|r| r.min.x).fold(f64::INFINITY, f64::min);
        let right = out
            .iter()
            .map(|r| r.max.x)
            .fold(f64::NEG_INFINITY, f64::max);
        for (r, a) in out.iter_mut().zip(areas) {
            r.min = Point {
                x: left,
                y: a.centre.y - a.half_height - margin,
            };
            r.max = Point {
                x: right,
                y: a.centre.y + a.half_height + margin,
            };
        }
    }
    out
}

/// A cell whose size over its distance is under this is taken as one mass
/// (1.2 rather than the usual 0.5–1: the layout is for the eye, and it
/// cut the time per iteration by a fifth).
const THETA: f64 = 1.2;
/// Below this depth a cell is not split further: nodes on (nearly) one
/// spot share a leaf instead of recursing without end.
const MAX_DEPTH: u8 = 32;
const NONE: u32 = u32::MAX;

/// A Barnes–Hut quadtree over one group's nodes, rebuilt every iteration;
/// its cells are kept between builds to spare the allocations.
#[derive(Default)]
struct QuadTree {
    cells: Vec<Cell>,
    stack: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Cell {
    centre: Point,
    half: f64,
    /// Nodes inside, and the sum of their positions.
    mass: f64,
    sum: Point,
    /// Child cells by quadrant; 0 is none (the root is never a child).
    children: [u32; 4],
    /// The node of a leaf holding one (or, at `MAX_DEPTH`, the first).
    body: u32,
    depth: u8,
}

impl Cell {
    fn new(centre: Point, half: f64, depth: u8) -> Self {
        Cell {
            centre,
            half,
            mass: 0.0,
            sum: Point::default(),
            children: [0; 4],
            body: NONE,
            depth,
        }
    }

    fn is_leaf(&self) -> bool {
        self.children == [0; 4]
    }

    fn contains(&self, p: &Point) -> bool {
        (p.x - self.centre.x).abs() <= self.half && (p.y - self.centre.y).abs() <= self.half
    }
}

impl QuadTree {
    fn build(&mut self, members: &[u32], pos: &[Point]) {
        self.cells.clear();
        let (mut min, mut max) = (
            Point {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            Point {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
        );
        for &i in members {
            let p = pos[i as usize];
            min = Point {
                x: min.x.min(p.x),
                y: min.y.min(p.y),
            };
            max = Point {
                x: max.x.max(p.x),
                y: max.y.max(p.y),
            };
        }
        if members.is_empty() {
            return;
        }
        let half = ((max.x - min.x).max(max.y - min.y) / 2.0).max(1.0) * 1.001;
        let centre = Point {
            x: (min.x + max.x) / 2.0,
            y: (min.y + max.y) / 2.0,
        };
        self.cells.push(Cell::new(centre, half, 0));
        for &i in members {
            self.insert(i, pos);
        }
    }

    fn insert(&mut self, node: u32, pos: &[Point]) {
        let p = pos[node as usize];
        let mut c = 0usize;
        loop {
            let cell = &mut self.cells[c];
            cell.mass += 1.0;
            cell.sum.x += p.x;
            cell.sum.y += p.y;
            if cell.is_leaf() {
                if cell.body == NONE {
                    cell.body = node;
                    return;
                }
                if cell.depth >= MAX_DEPTH {
                    return;
                }
                // Split: the node already here goes one level down first.
                let old = cell.body;
                cell.body = NONE;
                let child = self.child(c, &pos[old as usize]);
                let q = pos[old as usize];
                let moved = &mut self.cells[child];
                moved.mass = 1.0;
                moved.sum = q;
                moved.body = old;
            }
            c = self.child(c, &p);
        }
    }

    /// The child of cell `c` whose quadrant holds `p`, made if missing.
    fn child(&mut self, c: usize, p: &Point) -> usize {
        let cell = self.cells[c];
        let east = p.x >= cell.centre.x;
        let south = p.y >= cell.centre.y;
        let q = usize::from(east) + 2 * usize::from(south);
        if cell.children[q] != 0 {
            return cell.children[q] as usize;
        }
        let half = cell.half / 2.0;
        let centre = Point {
            x: cell.centre.x + if east { half } else { -half },
            y: cell.centre.y + if south { half } else { -half },
        };
        let index = self.cells.len();
        self.cells
            .push(Cell::new(centre, half, cell.depth.saturating_add(1)));
        self.cells[c].children[q] = index as u32;
        index
    }

    /// The push `k²/d` on node `i` from every other node of the tree.
    fn repulsion(&mut self, i: usize, pos: &[Point], k2: f64) -> Point {
        let p = pos[i];
        let mut force = Point::default();
        if self.cells.is_empty() {
            return force;
        }
        self.stack.clear();
        self.stack.push(0);
        while let Some(c) = self.stack.pop() {
            let cell = self.cells[c as usize];
            let mut mass = cell.mass;
            let mut sum = cell.sum;
            if cell.is_leaf() {
                if cell.body == i as u32 {
                    // Itself out of its own leaf.
                    mass -= 1.0;
                    sum.x -= p.x;
                    sum.y -= p.y;
                }
            } else if cell.contains(&p) || 2.0 * cell.half >= THETA * delta(&p, &centre_of(&cell)).2
            {
                self.stack.extend(cell.children.iter().filter(|&&k| k != 0));
                continue;
            }
            if mass < 0.5 {
                continue;
            }
            let other = Point {
                x: sum.x / mass,
                y: sum.y / mass,
            };
            let (mut dx, mut dy, mut d) = delta(&p, &other);
            if d < 1e-6 {
                // On one spot: part them in a direction fixed by the
                // indices, so the result stays deterministic.
                let angle = (i as f64) * 2.399_963;
                dx = angle.cos();
                dy = angle.sin();
                d = 1.0;
            }
            let f = mass * k2 / d;
            force.x += dx / d * f;
            force.y += dy / d * f;
        }
        force
    }
}

/// A cell's centre of mass.
fn centre_of(cell: &Cell) -> Point {
    if cell.mass > 0.0 {
        Point {
            x: cell.sum.x / cell.mass,
            y: cell.sum.y / cell.mass,
        }
    } else {
        cell.centre
    }
}

/// SplitMix64: a small, well-mixed generator, enough for starting positions.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A made-up plant of `nodes` assets in `groups` groups with `edges` edges,
/// most inside a group (as in a plant, where HMIs poll their own cell's
/// controllers), for tests and benchmarks. Deterministic in `seed`.
pub fn synthetic(
    nodes: usize,
    edges: usize,
    groups: u32,
    seed: u64,
) -> (Vec<u32>, Vec<(u32, u32)>) {
    let groups = groups.max(1);
    let mut rng = SplitMix(seed);
    let of: Vec<u32> = (0..nodes).map(|i| (i as u32) % groups).collect();
    let mut out = Vec::with_capacity(edges);
    if nodes < 2 {
        return (of, out);
    }
    let per_group = nodes.div_ceil(groups as usize).max(1);
    for _ in 0..edges {
        let a = (rng.next() % nodes as u64) as usize;
        let b = if rng.unit() < 0.9 {
            // Same group: nodes a, a ± groups, … share `a % groups`.
            let k = (rng.next() % per_group as u64) as usize;
            (a % groups as usize + k * groups as usize).min(nodes - 1)
        } else {
            (rng.next() % nodes as u64) as usize
        };
        out.push((a as u32, b as u32));
    }
    (of, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finite(l: &Layout) -> bool {
        l.positions
            .iter()
            .all(|p| p.x.is_finite() && p.y.is_finite())
    }

    fn dist(a: &Point, b: &Point) -> f64 {
        delta(a, b).2
    }

    #[test]
    fn no_nodes_no_positions() {
        let l = layout(&[], &[(0, 1)], &Options::new(Grouping::Clusters));
        assert!(l.positions.is_empty() && l.regions.is_empty());
    }

    #[test]
    fn one_node_is_placed_and_finite() {
        for grouping in [Grouping::Clusters, Grouping::Bands] {
            let l = layout(&[3], &[(0, 0), (0, 9)], &Options::new(grouping));
            assert_eq!(l.positions.len(), 1);
            assert!(finite(&l));
            assert_eq!(l.regions.len(), 1);
            assert_eq!(l.regions[0].group, 3);
        }
    }

    #[test]
    fn the_same_input_and_seed_give_the_same_layout() {
        let (groups, edges) = synthetic(300, 900, 5, 7);
        for grouping in [Grouping::Clusters, Grouping::Bands] {
            let a = layout(&groups, &edges, &Options::new(grouping));
            let b = layout(&groups, &edges, &Options::new(grouping));
            assert_eq!(a, b);
            let other = layout(
                &groups,
                &edges,
                &Options {
                    seed: 2,
                    ..Options::new(grouping)
                },
            );
            assert_ne!(a.positions, other.positions, "the seed is used");
        }
    }

    #[test]
    fn nodes_on_one_spot_and_bad_edges_give_no_nan() {
        // One iteration from a one-node group: every start is the centre.
        let groups = vec![0; 50];
        let edges: Vec<(u32, u32)> = (0..50)
            .map(|i| (i, (i + 1) % 50))
            .chain([(0, 0), (1, u32::MAX)])
            .collect();
        for grouping in [Grouping::Clusters, Grouping::Bands] {
            for iterations in [1, 2, 50] {
                let l = layout(
                    &groups,
                    &edges,
                    &Options {
                        iterations,
                        ..Options::new(grouping)
                    },
                );
                assert!(finite(&l));
            }
        }
        // Zero iterations still means one.
        let l = layout(
            &[0, 0],
            &[],
            &Options {
                iterations: 0,
                ..Options::new(Grouping::Bands)
            },
        );
        assert!(finite(&l));
        // Group numbers at the ends of u32 and a huge seed.
        let l = layout(
            &[u32::MAX, 0, u32::MAX],
            &[(0, 2)],
            &Options {
                seed: u64::MAX,
                ..Options::new(Grouping::Clusters)
            },
        );
        assert!(finite(&l));
    }

    #[test]
    fn connected_nodes_end_closer_than_unconnected_ones() {
        // Ten rings of 20 in one group.
        let groups = vec![0; 200];
        let mut edges = Vec::new();
        for ring in 0..10u32 {
            for i in 0..20u32 {
                edges.push((ring * 20 + i, ring * 20 + (i + 1) % 20));
            }
        }
        let l = layout(&groups, &edges, &Options::new(Grouping::Clusters));
        let p = &l.positions;
        let connected: f64 = edges
            .iter()
            .map(|&(a, b)| dist(&p[a as usize], &p[b as usize]))
            .sum::<f64>()
            / edges.len() as f64;
        let mut sum = 0.0;
        let mut count = 0.0;
        for a in 0..200usize {
            for b in (a + 1)..200 {
                let adjacent =
                    edges.contains(&(a as u32, b as u32)) || edges.contains(&(b as u32, a as u32));
                if !adjacent {
                    sum += dist(&p[a], &p[b]);
                    count += 1.0;
                }
            }
        }
        let unconnected = sum / count;
        assert!(
            connected * 2.0 < unconnected,
            "connected {connected}, unconnected {unconnected}"
        );
    }

    #[test]
    fn clusters_do_not_overlap_even_when_edges_pull_across() {
        let (groups, edges) = synthetic(400, 2000, 6, 3);
        let l = layout(&groups, &edges, &Options::new(Grouping::Clusters));
        let areas = areas(&groups, Grouping::Clusters);
        for (g, p) in groups.iter().zip(&l.positions) {
            let a = areas.iter().find(|a| a.group == *g).unwrap();
            assert!(dist(p, &a.centre) <= a.half_width + 1e-6);
        }
        for (i, a) in areas.iter().enumerate() {
            for b in &areas[i + 1..] {
                assert!(dist(&a.centre, &b.centre) >= a.half_width + b.half_width + GAP - 1e-6);
            }
        }
        // The drawn rectangles do not overlap either.
        for (i, a) in l.regions.iter().enumerate() {
            for b in &l.regions[i + 1..] {
                let apart = a.max.x <= b.min.x
                    || b.max.x <= a.min.x
                    || a.max.y <= b.min.y
                    || b.max.y <= a.min.y;
                assert!(apart, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn bands_stack_the_lowest_group_at_the_bottom() {
        // Purdue levels 0, 1, 2 and 4 (3 unused) plus 9 for "no level".
        let groups: Vec<u32> = (0..100).map(|i| [0, 1, 2, 4, 9][i % 5]).collect();
        let edges: Vec<(u32, u32)> = (0..99).map(|i| (i, i + 1)).collect();
        let l = layout(&groups, &edges, &Options::new(Grouping::Bands));
        let lowest_y = |g: u32| {
            groups
                .iter()
                .zip(&l.positions)
                .filter(|(x, _)| **x == g)
                .map(|(_, p)| p.y)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let highest_y = |g: u32| {
            groups
                .iter()
                .zip(&l.positions)
                .filter(|(x, _)| **x == g)
                .map(|(_, p)| p.y)
                .fold(f64::INFINITY, f64::min)
        };
        // Screen coordinates: a larger y is lower. Every node of a band sits
        // below every node of the band above it.
        for pair in [0, 1, 2, 4, 9].windows(2) {
            assert!(highest_y(pair[0]) > lowest_y(pair[1]), "{pair:?}");
        }
        assert_eq!(l.regions.len(), 5);
        // No gap for the unused level 3: bands are evenly spaced.
        let middles: Vec<f64> = l
            .regions
            .iter()
            .map(|r| (r.min.y + r.max.y) / 2.0)
            .collect();
        let steps: Vec<f64> = middles.windows(2).map(|w| w[0] - w[1]).collect();
        assert!(
            steps.iter().all(|s| (s - steps[0]).abs() < 1e-9),
            "{steps:?}"
        );
    }

    #[test]
    fn synthetic_graphs_have_what_was_asked() {
        let (groups, edges) = synthetic(2000, 10_000, 8, 1);
        assert_eq!(groups.len(), 2000);
        assert_eq!(edges.len(), 10_000);
        assert!(edges.iter().all(|&(a, b)| a < 2000 && b < 2000));
        assert_eq!(synthetic(1, 5, 0, 1).1.len(), 0);
    }
}
