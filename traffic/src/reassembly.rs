//! TCP stream reassembly, one buffer per direction, enough for industrial
//! protocols whose messages span segments or share one.
//!
//! Bytes are handed to a sink (the dissector) in sequence order. The sink
//! returns how many bytes at the front were whole messages; the rest waits for
//! the next segment. Retransmitted and overlapping bytes are trimmed (first copy
//! wins). Out-of-order segments wait, within bounds; when the bound is hit, or
//! the peer acknowledges data we never saw, the hole is skipped and counted and
//! any partial message before it is dropped so the dissector can resynchronise.

/// Per-direction bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyConfig {
    /// In-order bytes waiting for the dissector to see a whole message. Larger than
    /// the biggest message of any supported protocol (OPC UA chunks default to 64 KiB).
    pub max_buffered: usize,
    /// Bytes held in out-of-order segments before giving up on a hole.
    pub max_out_of_order: usize,
    /// Out-of-order segments held before giving up on a hole.
    pub max_segments: usize,
}

impl Default for ReassemblyConfig {
    fn default() -> Self {
        ReassemblyConfig {
            max_buffered: 256 * 1024,
            max_out_of_order: 256 * 1024,
            max_segments: 64,
        }
    }
}

/// Counters for one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Bytes delivered to the sink.
    pub delivered: u64,
    /// Retransmitted or overlapping bytes dropped.
    pub duplicate: u64,
    /// Holes skipped.
    pub gaps: u64,
    /// Bytes missing in those holes, plus partial messages dropped with them.
    pub gap_bytes: u64,
    /// Bytes dropped because the sink left more than `max_buffered` unconsumed.
    pub overflow_bytes: u64,
}

/// One direction of a TCP connection.
#[derive(Debug, Default)]
pub struct TcpStream {
    next_seq: Option<u32>,
    buf: Vec<u8>,
    /// Out-of-order segments sorted by sequence number.
    pending: Vec<(u32, Vec<u8>)>,
    pending_bytes: usize,
    /// Highest sequence number the peer has acknowledged.
    acked: Option<u32>,
    stats: StreamStats,
}

/// Signed distance from `b` to `a` in sequence space.
#[inline]
fn seq_diff(a: u32, b: u32) -> i64 {
    i64::from(a.wrapping_sub(b) as i32)
}

impl TcpStream {
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Bytes waiting for the sink.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Feeds one segment. `syn` marks a SYN (whose sequence number precedes the data).
    pub fn segment(
        &mut self,
        cfg: &ReassemblyConfig,
        seq: u32,
        syn: bool,
        payload: &[u8],
        sink: &mut impl FnMut(&[u8]) -> usize,
    ) {
        let seq = if syn {
            let s = seq.wrapping_add(1);
            self.next_seq = Some(s);
            s
        } else {
            seq
        };
        if payload.is_empty() {
            return;
        }
        // Joined mid-stream: start at the first data we see.
        let next = *self.next_seq.get_or_insert(seq);
        let rel = seq_diff(seq, next);
        if rel <= 0 {
            let skip = (-rel) as usize;
            if skip >= payload.len() {
                self.stats.duplicate += payload.len() as u64;
                return;
            }
            self.stats.duplicate += skip as u64;
            self.deliver(cfg, &payload[skip..], sink);
            self.next_seq = Some(seq.wrapping_add(payload.len() as u32));
            self.drain_pending(cfg, sink);
        } else {
            // Data past a hole the peer already acknowledged: the hole was never captured.
            if let Some(acked) = self.acked
                && seq_diff(acked, next) > 0
            {
                let mut to = if seq_diff(seq, acked) < 0 { seq } else { acked };
                if let Some(&(first, _)) = self.pending.first()
                    && seq_diff(first, to) < 0
                {
                    to = first;
                }
                self.skip_to(cfg, to, sink);
                self.segment(cfg, seq, false, payload, sink);
                return;
            }
            if self.pending.len() >= cfg.max_segments
                || self.pending_bytes + payload.len() > cfg.max_out_of_order
            {
                self.skip_to_pending(cfg, sink);
                // The hole may now be gone; if not, this segment opens a new one.
                let next = self.next_seq.unwrap_or(seq);
                if seq_diff(seq, next) <= 0 || self.pending.len() >= cfg.max_segments {
                    self.skip_to(cfg, seq, sink);
                    self.segment(cfg, seq, false, payload, sink);
                    return;
                }
            }
            self.insert_pending(seq, payload);
        }
    }

    /// The peer acknowledged `ack`. Remembered; see the module documentation for
    /// when it lets a hole be skipped.
    pub fn acknowledged(&mut self, cfg: &ReassemblyConfig, ack: u32) {
        let Some(next) = self.next_seq else { return };
        // Sanity bound: an ACK far beyond (a broken stack or a new connection) is ignored.
        if seq_diff(ack, next) > (cfg.max_buffered + cfg.max_out_of_order) as i64 * 4 {
            return;
        }
        if self.acked.is_none_or(|a| seq_diff(ack, a) > 0) {
            self.acked = Some(ack);
        }
    }

    fn skip_to_pending(&mut self, cfg: &ReassemblyConfig, sink: &mut impl FnMut(&[u8]) -> usize) {
        if let Some(&(first, _)) = self.pending.first() {
            self.skip_to(cfg, first, sink);
        }
    }

    /// Declares everything before `to` lost and continues from there.
    fn skip_to(&mut self, cfg: &ReassemblyConfig, to: u32, sink: &mut impl FnMut(&[u8]) -> usize) {
        let next = self.next_seq.unwrap_or(to);
        let hole = seq_diff(to, next);
        if hole <= 0 {
            return;
        }
        self.stats.gaps += 1;
        self.stats.gap_bytes += hole as u64 + self.buf.len() as u64;
        self.buf.clear();
        self.next_seq = Some(to);
        self.drain_pending(cfg, sink);
    }

    fn insert_pending(&mut self, seq: u32, payload: &[u8]) {
        let next = self.next_seq.unwrap_or(seq);
        let pos = self
            .pending
            .partition_point(|(s, _)| seq_diff(*s, next) < seq_diff(seq, next));
        if let Some((s, d)) = self.pending.get(pos)
            && *s == seq
            && d.len() >= payload.len()
        {
            self.stats.duplicate += payload.len() as u64;
            return;
        }
        self.pending_bytes += payload.len();
        self.pending.insert(pos, (seq, payload.to_vec()));
    }

    fn drain_pending(&mut self, cfg: &ReassemblyConfig, sink: &mut impl FnMut(&[u8]) -> usize) {
        while let Some(&(seq, _)) = self.pending.first() {
            let next = self.next_seq.unwrap_or(seq);
            let rel = seq_diff(seq, next);
            if rel > 0 {
                break;
            }
            let (_, data) = self.pending.remove(0);
            self.pending_bytes -= data.len();
            let skip = (-rel) as usize;
            if skip >= data.len() {
                self.stats.duplicate += data.len() as u64;
                continue;
            }
            self.stats.duplicate += skip as u64;
            self.deliver(cfg, &data[skip..], sink);
            self.next_seq = Some(seq.wrapping_add(data.len() as u32));
        }
    }

    fn deliver(
        &mut self,
        cfg: &ReassemblyConfig,
        data: &[u8],
        sink: &mut impl FnMut(&[u8]) -> usize,
    ) {
        self.stats.delivered += data.len() as u64;
        if self.buf.is_empty() {
            // Fast path: whole messages straight from the packet, copy only a partial tail.
            let used = sink(data).min(data.len());
            self.buf.extend_from_slice(&data[used..]);
        } else {
            self.buf.extend_from_slice(data);
            let used = sink(&self.buf).min(self.buf.len());
            self.buf.drain(..used);
        }
        if self.buf.len() > cfg.max_buffered {
            self.stats.overflow_bytes += self.buf.len() as u64;
            self.buf.clear();
        }
    }

    /// At the end of the flow: the holes will never be filled, so every
    /// segment still waiting behind one is handed to the sink, each hole
    /// skipped and counted as if the bound had been hit.
    pub fn flush(&mut self, cfg: &ReassemblyConfig, sink: &mut impl FnMut(&[u8]) -> usize) {
        while !self.pending.is_empty() {
            let before = self.pending.len();
            // Segments at or behind the stream first, then skip one hole.
            self.drain_pending(cfg, sink);
            if self.pending.len() == before {
                self.skip_to_pending(cfg, sink);
            }
            if self.pending.len() == before {
                // Neither moved (a sequence space the wrap-around confused):
                // give up on the rest rather than loop.
                self.stats.duplicate += self.pending_bytes as u64;
                self.pending.clear();
                self.pending_bytes = 0;
            }
        }
    }

    /// Segments wait behind a hole.
    pub fn waits_behind_a_hole(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// Both directions of a connection, indexed by [`crate::flow::Side::index`].
#[derive(Debug, Default)]
pub struct TcpStreams {
    pub dirs: [TcpStream; 2],
}

impl TcpStreams {
    /// Total gap bytes over both directions.
    pub fn gap_bytes(&self) -> u64 {
        self.dirs.iter().map(|d| d.stats.gap_bytes).sum()
    }
    pub fn gaps(&self) -> u64 {
        self.dirs.iter().map(|d| d.stats.gaps).sum()
    }
    pub fn overflow_bytes(&self) -> u64 {
        self.dirs.iter().map(|d| d.stats.overflow_bytes).sum()
    }
    /// Bytes held in buffers (waiting for the dissector or out of order).
    pub fn buffered(&self) -> usize {
        self.dirs
            .iter()
            .map(|d| d.buf.len() + d.pending_bytes)
            .sum()
    }
    /// Either direction has segments waiting behind a hole.
    pub fn wait_behind_a_hole(&self) -> bool {
        self.dirs.iter().any(TcpStream::waits_behind_a_hole)
    }
    /// Drops every buffered byte (memory pressure), counting it as overflow.
    pub fn clear(&mut self) {
        for d in &mut self.dirs {
            d.stats.overflow_bytes += (d.buf.len() + d.pending_bytes) as u64;
            d.buf = Vec::new();
            d.pending = Vec::new();
            d.pending_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that consumes whole 4-byte messages and records them in `msgs`.
    fn four_byte_messages(msgs: &mut Vec<Vec<u8>>) -> impl FnMut(&[u8]) -> usize + '_ {
        |d: &[u8]| {
            let whole = d.len() / 4 * 4;
            msgs.extend(d[..whole].chunks(4).map(|c| c.to_vec()));
            whole
        }
    }

    /// Feeds `segments` (and the peer's `acks` after the segment at each
    /// index) to a stream through [`four_byte_messages`].
    fn run(segments: &[(u32, &[u8])], acks: &[(usize, u32)]) -> (Vec<Vec<u8>>, StreamStats) {
        let cfg = ReassemblyConfig {
            max_segments: 3,
            ..Default::default()
        };
        let mut s = TcpStream::default();
        let mut msgs = vec![];
        let mut sink = four_byte_messages(&mut msgs);
        s.segment(&cfg, 99, true, &[], &mut sink);
        for (i, (seq, data)) in segments.iter().enumerate() {
            s.segment(&cfg, *seq, false, data, &mut sink);
            for (_, ack) in acks.iter().filter(|(at, _)| *at == i) {
                s.acknowledged(&cfg, *ack);
            }
        }
        drop(sink);
        (msgs, s.stats())
    }

    #[test]
    fn split_and_shared_messages() {
        // Two messages across three segments: [1 2 3] [4 5 6 7 8 9] [10 11 12 ...]
        let (m, st) = run(
            &[
                (100, &[1, 2, 3]),
                (103, &[4, 5, 6, 7, 8]),
                (108, &[9, 10, 11, 12]),
            ],
            &[],
        );
        assert_eq!(
            m,
            vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8], vec![9, 10, 11, 12]]
        );
        assert_eq!(st.delivered, 12);
    }

    #[test]
    fn retransmission_and_overlap() {
        let (m, st) = run(
            &[
                (100, &[1, 2, 3, 4]),
                (100, &[1, 2, 3, 4]),
                (102, &[3, 4, 5, 6, 7, 8]),
            ],
            &[],
        );
        assert_eq!(m, vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]]);
        assert_eq!(st.duplicate, 6);
    }

    #[test]
    fn out_of_order_waits() {
        let (m, st) = run(&[(104, &[5, 6, 7, 8]), (100, &[1, 2, 3, 4])], &[]);
        assert_eq!(m, vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]]);
        assert_eq!(st.gaps, 0);
    }

    #[test]
    fn hole_skipped_when_bound_hit() {
        // 100..104 never arrives; four later segments exceed max_segments = 3.
        let (m, st) = run(
            &[
                (104, &[5, 6, 7, 8]),
                (108, &[9, 9, 9, 9]),
                (112, &[1, 1, 1, 1]),
                (116, &[2, 2, 2, 2]),
            ],
            &[],
        );
        assert_eq!(m.len(), 4);
        assert_eq!((st.gaps, st.gap_bytes), (1, 4));
    }

    #[test]
    fn segments_behind_holes_reach_the_sink_at_the_end() {
        let cfg = ReassemblyConfig::default();
        let mut s = TcpStream::default();
        let mut msgs = vec![];
        let mut sink = four_byte_messages(&mut msgs);
        s.segment(&cfg, 99, true, &[], &mut sink);
        s.segment(&cfg, 100, false, &[1, 1, 1, 1], &mut sink);
        // 104..108 and 112..116 never arrive, nor an ACK past them.
        s.segment(&cfg, 108, false, &[3, 3, 3, 3], &mut sink);
        s.segment(&cfg, 116, false, &[5, 5, 5, 5], &mut sink);
        assert!(s.waits_behind_a_hole());
        s.flush(&cfg, &mut sink);
        drop(sink);
        assert!(!s.waits_behind_a_hole());
        assert_eq!(msgs, vec![vec![1; 4], vec![3; 4], vec![5; 4]]);
        assert_eq!((s.stats().gaps, s.stats().gap_bytes), (2, 8));
    }

    #[test]
    fn hole_skipped_when_data_follows_an_ack() {
        // Partial message [1 2], then 102..106 is never captured; the peer ACKs 110,
        // and the next segment shows the hole will not be filled.
        let (m, st) = run(
            &[(100, &[1, 2]), (106, &[7, 7, 7, 7]), (110, &[8, 8, 8, 8])],
            &[(1, 110)],
        );
        assert_eq!(m, vec![vec![7, 7, 7, 7], vec![8, 8, 8, 8]]);
        assert_eq!((st.gaps, st.gap_bytes), (1, 4 + 2));
    }

    #[test]
    fn early_ack_is_not_a_hole() {
        // The mirror shows the ACK for 104..108 before the data itself.
        let (m, st) = run(&[(100, &[1, 2, 3, 4]), (104, &[5, 6, 7, 8])], &[(0, 108)]);
        assert_eq!(m, vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]]);
        assert_eq!(st.gaps, 0);
    }

    #[test]
    fn buffered_and_clear() {
        let cfg = ReassemblyConfig::default();
        let mut st = TcpStreams::default();
        let mut keep_all = |_: &[u8]| 0;
        st.dirs[0].segment(&cfg, 1, false, &[1, 2, 3], &mut keep_all); // in order, not consumed
        st.dirs[1].segment(&cfg, 1, false, &[1], &mut keep_all);
        st.dirs[1].segment(&cfg, 10, false, &[9, 9], &mut keep_all); // out of order
        assert_eq!(st.buffered(), 3 + 1 + 2);
        st.clear();
        assert_eq!((st.buffered(), st.overflow_bytes()), (0, 6));
    }

    #[test]
    fn sequence_wraparound() {
        let cfg = ReassemblyConfig::default();
        let mut s = TcpStream::default();
        let mut got = vec![];
        let mut sink = |d: &[u8]| {
            got.extend_from_slice(d);
            d.len()
        };
        s.segment(&cfg, u32::MAX - 1, false, &[1, 2], &mut sink);
        s.segment(&cfg, 2, false, &[5], &mut sink);
        s.segment(&cfg, 0, false, &[3, 4], &mut sink);
        assert_eq!(got, vec![1, 2, 3, 4, 5]);
    }
}
