//! Live capture from a network interface with a Linux `AF_PACKET` socket and
//! a `TPACKET_V3` receive ring.
//!
//! The kernel writes frames into a memory-mapped ring of blocks and hands a
//! block over once it is full or `retire_blk_tov` has passed, so the sensor
//! reads thousands of frames per wake-up without a copy or a system call per
//! frame, and a slow minute-close never loses frames: they wait in the ring,
//! and only a full ring makes the kernel drop (counted, and reported in each
//! batch's health).
//!
//! The socket only receives: nothing is ever sent on the monitored interface.
//! It needs `CAP_NET_RAW` (see docs/SENSOR.md for running it unprivileged).
//!
//! Layouts are those of `linux/if_packet.h`; the ring's headers are read at
//! their documented offsets so no struct layout is assumed beyond them.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use traffic::capture::Timestamp;
use traffic::link::LinkType;

/// Ring geometry; the defaults hold about 64 MiB, several seconds of a
/// saturated gigabit link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingConfig {
    /// Bytes per block; a power of two and a multiple of the page size.
    pub block_size: u32,
    pub block_count: u32,
    /// How long the kernel waits before handing over a block that is not full.
    pub block_timeout_ms: u32,
}

impl RingConfig {
    pub fn with_total_mib(mib: u32) -> Self {
        let block_size = 1 << 20;
        RingConfig {
            block_size,
            block_count: mib.clamp(2, 4096),
            block_timeout_ms: 100,
        }
    }
}

impl Default for RingConfig {
    fn default() -> Self {
        RingConfig::with_total_mib(64)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("interface {0:?}: no such interface")]
    NoSuchInterface(String),
    #[error(
        "interface {interface:?}: capturing needs the CAP_NET_RAW capability \
         (run as root, or grant it as docs/SENSOR.md shows): {source}"
    )]
    NotPermitted {
        interface: String,
        source: io::Error,
    },
    #[error(
        "interface {interface:?}: link type {hardware_type} is not supported \
         (Ethernet, loopback and raw-IP interfaces are)"
    )]
    UnsupportedLink {
        interface: String,
        hardware_type: u16,
    },
    #[error("interface {interface:?}: {step}: {source}")]
    System {
        interface: String,
        step: &'static str,
        source: io::Error,
    },
}

/// One frame as the kernel delivered it.
#[derive(Debug, Clone, Copy)]
pub struct LiveFrame<'a> {
    pub timestamp: Timestamp,
    pub linktype: LinkType,
    /// Length on the wire; `data` is the whole frame unless it exceeded the
    /// ring's block size.
    pub wire_len: u32,
    pub data: &'a [u8],
}

/// Kernel counters since the capture was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KernelStats {
    /// Frames the kernel passed to the ring, dropped ones included.
    pub received: u64,
    /// Frames the kernel dropped because the ring was full.
    pub dropped: u64,
}

/// An open capture on one interface.
pub struct LiveCapture {
    fd: OwnedFd,
    interface: String,
    linktype: LinkType,
    ring: NonNull<u8>,
    ring_len: usize,
    config: RingConfig,
    next_block: u32,
    stats: KernelStats,
    /// A frame whose 802.1Q tag the kernel moved out of band, with the tag put back.
    retagged: Vec<u8>,
}

// The ring is owned by this value alone; the kernel synchronises through
// each block's status word.
unsafe impl Send for LiveCapture {}

// linux/if_packet.h offsets.
const BLOCK_STATUS: usize = 8;
const BLOCK_NUM_PKTS: usize = 12;
const BLOCK_OFFSET_TO_FIRST_PKT: usize = 16;
const PKT_NEXT_OFFSET: usize = 0;
const PKT_SEC: usize = 4;
const PKT_NSEC: usize = 8;
const PKT_SNAPLEN: usize = 12;
const PKT_LEN: usize = 16;
const PKT_STATUS: usize = 20;
const PKT_MAC: usize = 24;
const PKT_VLAN_TCI: usize = 32;
const PKT_VLAN_TPID: usize = 36;
const TPACKET_V3: libc::c_int = 2;
const TP_STATUS_KERNEL: u32 = 0;
const ETH_P_8021Q: u16 = 0x8100;

fn read_u32(base: *const u8, offset: usize) -> u32 {
    // SAFETY: callers pass offsets inside the mapped ring.
    unsafe { std::ptr::read_unaligned(base.add(offset).cast::<u32>()) }
}

fn read_u16(base: *const u8, offset: usize) -> u16 {
    // SAFETY: as for read_u32.
    unsafe { std::ptr::read_unaligned(base.add(offset).cast::<u16>()) }
}

fn interface_type(interface: &str) -> Option<u16> {
    std::fs::read_to_string(format!("/sys/class/net/{interface}/type"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn linktype_of(hardware_type: u16) -> Option<LinkType> {
    const ARPHRD_RAWIP: u16 = 519;
    match hardware_type {
        libc::ARPHRD_ETHER | libc::ARPHRD_LOOPBACK => Some(LinkType::ETHERNET),
        libc::ARPHRD_NONE | ARPHRD_RAWIP => Some(LinkType::RAW),
        _ => None,
    }
}

fn setsockopt<T>(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    // SAFETY: `value` is a live, properly sized option value.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

impl LiveCapture {
    /// Opens `interface` in promiscuous mode with a receive ring.
    pub fn open(interface: &str, config: RingConfig) -> Result<LiveCapture, LiveError> {
        let system = |step: &'static str| {
            let source = io::Error::last_os_error();
            LiveError::System {
                interface: interface.to_owned(),
                step,
                source,
            }
        };
        let name = CString::new(interface)
            .map_err(|_| LiveError::NoSuchInterface(interface.to_owned()))?;
        // SAFETY: `name` is a valid C string.
        let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if ifindex == 0 {
            return Err(LiveError::NoSuchInterface(interface.to_owned()));
        }
        let hardware_type = interface_type(interface).unwrap_or(libc::ARPHRD_ETHER);
        let linktype = linktype_of(hardware_type).ok_or_else(|| LiveError::UnsupportedLink {
            interface: interface.to_owned(),
            hardware_type,
        })?;

        // Protocol 0: nothing is queued until the socket is bound to the
        // interface, so no frame from another interface slips in.
        // SAFETY: plain system call.
        let raw = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            let source = io::Error::last_os_error();
            return Err(if source.kind() == io::ErrorKind::PermissionDenied {
                LiveError::NotPermitted {
                    interface: interface.to_owned(),
                    source,
                }
            } else {
                LiveError::System {
                    interface: interface.to_owned(),
                    step: "opening a packet socket",
                    source,
                }
            });
        }
        // SAFETY: `raw` is a fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };

        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_VERSION, &TPACKET_V3)
            .map_err(|_| system("selecting TPACKET_V3"))?;
        let block_size = config.block_size.max(4096);
        let request = libc::tpacket_req3 {
            tp_block_size: block_size,
            tp_block_nr: config.block_count,
            tp_frame_size: 2048,
            tp_frame_nr: block_size / 2048 * config.block_count,
            tp_retire_blk_tov: config.block_timeout_ms,
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_RX_RING, &request)
            .map_err(|_| system("setting up the receive ring"))?;
        let ring_len = block_size as usize * config.block_count as usize;
        // SAFETY: maps the ring the kernel just allocated for this socket.
        let ring = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                ring_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_LOCKED,
                fd.as_raw_fd(),
                0,
            )
        };
        // MAP_LOCKED fails without CAP_IPC_LOCK past RLIMIT_MEMLOCK; the ring
        // works unlocked too.
        let ring = if ring == libc::MAP_FAILED {
            // SAFETY: as above, without locking.
            unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    ring_len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd.as_raw_fd(),
                    0,
                )
            }
        } else {
            ring
        };
        if ring == libc::MAP_FAILED {
            return Err(system("mapping the receive ring"));
        }
        let capture = LiveCapture {
            fd,
            interface: interface.to_owned(),
            linktype,
            ring: NonNull::new(ring.cast()).expect("mmap succeeded"),
            ring_len,
            config: RingConfig {
                block_size,
                ..config
            },
            next_block: 0,
            stats: KernelStats::default(),
            retagged: Vec::new(),
        };

        // SAFETY: sockaddr_ll is plain data; zero is a valid start.
        let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        address.sll_family = libc::AF_PACKET as u16;
        address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        address.sll_ifindex = ifindex as i32;
        // SAFETY: `address` is a valid sockaddr_ll of the stated size.
        let rc = unsafe {
            libc::bind(
                capture.fd.as_raw_fd(),
                (&address as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(system("binding to the interface"));
        }
        // A mirror port's traffic is addressed to other hosts; promiscuous
        // mode ends with the socket, so a crash never leaves it set.
        let membership = libc::packet_mreq {
            mr_ifindex: ifindex as i32,
            mr_type: libc::PACKET_MR_PROMISC as u16,
            mr_alen: 0,
            mr_address: [0; 8],
        };
        setsockopt(
            &capture.fd,
            libc::SOL_PACKET,
            libc::PACKET_ADD_MEMBERSHIP,
            &membership,
        )
        .map_err(|_| system("entering promiscuous mode"))?;
        Ok(capture)
    }

    fn block(&self, index: u32) -> *mut u8 {
        // SAFETY: index < block_count, so the offset stays inside the ring.
        unsafe {
            self.ring
                .as_ptr()
                .add(index as usize * self.config.block_size as usize)
        }
    }

    fn block_status(&self, index: u32) -> &AtomicU32 {
        // SAFETY: the status word is 4-byte aligned inside the mapped block
        // and shared with the kernel, hence atomic access.
        unsafe { AtomicU32::from_ptr(self.block(index).add(BLOCK_STATUS).cast()) }
    }

    /// Waits up to `timeout` for the next block and hands each frame in it to
    /// `each`. Returns how many frames were handed over (0 on timeout).
    pub fn next_block(
        &mut self,
        timeout: Duration,
        mut each: impl FnMut(LiveFrame<'_>),
    ) -> Result<usize, LiveError> {
        if self.block_status(self.next_block).load(Ordering::Acquire) & libc::TP_STATUS_USER == 0 {
            let mut poll = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN | libc::POLLERR,
                revents: 0,
            };
            let millis = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
            // SAFETY: one valid pollfd.
            let rc = unsafe { libc::poll(&mut poll, 1, millis) };
            if rc < 0 {
                let source = io::Error::last_os_error();
                if source.kind() == io::ErrorKind::Interrupted {
                    return Ok(0);
                }
                return Err(LiveError::System {
                    interface: self.interface.clone(),
                    step: "waiting for frames",
                    source,
                });
            }
            if self.block_status(self.next_block).load(Ordering::Acquire) & libc::TP_STATUS_USER
                == 0
            {
                return Ok(0);
            }
        }
        let block = self.block(self.next_block);
        let block_size = self.config.block_size as usize;
        let count = read_u32(block, BLOCK_NUM_PKTS) as usize;
        let mut offset = read_u32(block, BLOCK_OFFSET_TO_FIRST_PKT) as usize;
        let mut handed = 0;
        for _ in 0..count {
            // The kernel's offsets are trusted only as far as the block goes.
            if offset + PKT_VLAN_TPID + 2 > block_size {
                break;
            }
            // SAFETY: checked above to lie inside the block.
            let header = unsafe { block.add(offset) };
            let snaplen = read_u32(header, PKT_SNAPLEN) as usize;
            let mac = usize::from(read_u16(header, PKT_MAC));
            if offset + mac + snaplen > block_size {
                break;
            }
            let timestamp = Timestamp::from_secs_nanos(
                u64::from(read_u32(header, PKT_SEC)),
                u64::from(read_u32(header, PKT_NSEC)),
            );
            let status = read_u32(header, PKT_STATUS);
            // SAFETY: checked above to lie inside the block.
            let data = unsafe { std::slice::from_raw_parts(header.add(mac), snaplen) };
            let mut wire_len = read_u32(header, PKT_LEN);
            let data = if status & libc::TP_STATUS_VLAN_VALID != 0
                && self.linktype == LinkType::ETHERNET
                && data.len() >= 12
            {
                // The NIC or driver took the 802.1Q tag off; put it back so the
                // frame decodes as it was on the wire.
                let tpid = if status & libc::TP_STATUS_VLAN_TPID_VALID != 0 {
                    read_u16(header, PKT_VLAN_TPID)
                } else {
                    ETH_P_8021Q
                };
                let tci = read_u32(header, PKT_VLAN_TCI) as u16;
                self.retagged.clear();
                self.retagged.extend_from_slice(&data[..12]);
                self.retagged.extend_from_slice(&tpid.to_be_bytes());
                self.retagged.extend_from_slice(&tci.to_be_bytes());
                self.retagged.extend_from_slice(&data[12..]);
                wire_len = wire_len.saturating_add(4);
                &self.retagged[..]
            } else {
                data
            };
            each(LiveFrame {
                timestamp,
                linktype: self.linktype,
                wire_len,
                data,
            });
            handed += 1;
            let next = read_u32(header, PKT_NEXT_OFFSET) as usize;
            if next == 0 {
                break;
            }
            offset += next;
        }
        self.block_status(self.next_block)
            .store(TP_STATUS_KERNEL, Ordering::Release);
        self.next_block = (self.next_block + 1) % self.config.block_count;
        Ok(handed)
    }

    /// Kernel counters since the capture was opened.
    pub fn stats(&mut self) -> Result<KernelStats, LiveError> {
        let mut value = libc::tpacket_stats_v3 {
            tp_packets: 0,
            tp_drops: 0,
            tp_freeze_q_cnt: 0,
        };
        let mut len = std::mem::size_of::<libc::tpacket_stats_v3>() as libc::socklen_t;
        // SAFETY: `value` and `len` describe a valid buffer; the kernel resets
        // its counters on each read, so they are added up here.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&mut value as *mut libc::tpacket_stats_v3).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return Err(LiveError::System {
                interface: self.interface.clone(),
                step: "reading kernel counters",
                source: io::Error::last_os_error(),
            });
        }
        self.stats.received += u64::from(value.tp_packets);
        self.stats.dropped += u64::from(value.tp_drops);
        Ok(self.stats)
    }
}

impl Drop for LiveCapture {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `open`; the descriptor
        // closes after this.
        unsafe {
            libc::munmap(self.ring.as_ptr().cast(), self.ring_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interface_is_named() {
        let e = LiveCapture::open("otlens-none0", RingConfig::default())
            .err()
            .expect("no such interface");
        assert!(e.to_string().contains("otlens-none0"), "{e}");
        assert!(matches!(e, LiveError::NoSuchInterface(_)));
    }

    #[test]
    fn link_types_follow_the_hardware_type() {
        assert_eq!(linktype_of(1), Some(LinkType::ETHERNET));
        assert_eq!(linktype_of(772), Some(LinkType::ETHERNET));
        assert_eq!(linktype_of(0xFFFE), Some(LinkType::RAW));
        assert_eq!(linktype_of(519), Some(LinkType::RAW));
        assert_eq!(linktype_of(801), None);
    }

    #[test]
    fn the_ring_size_is_bounded() {
        assert_eq!(RingConfig::with_total_mib(0).block_count, 2);
        assert_eq!(RingConfig::with_total_mib(64).block_count, 64);
        assert_eq!(RingConfig::with_total_mib(1 << 20).block_count, 4096);
    }
}
