//! IEC 60870-5-104 APCI and IEC 60870-5-101 ASDU type identifications and causes.

use crate::operation::OperationClass;

/// ASDU type identification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeId(pub u8);

impl TypeId {
    pub const C_IC_NA_1: Self = Self(100);

    /// The standard mnemonic (lower case) — the readable name engineers use.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "m_sp_na_1",
            2 => "m_sp_ta_1",
            3 => "m_dp_na_1",
            4 => "m_dp_ta_1",
            5 => "m_st_na_1",
            6 => "m_st_ta_1",
            7 => "m_bo_na_1",
            8 => "m_bo_ta_1",
            9 => "m_me_na_1",
            10 => "m_me_ta_1",
            11 => "m_me_nb_1",
            12 => "m_me_tb_1",
            13 => "m_me_nc_1",
            14 => "m_me_tc_1",
            15 => "m_it_na_1",
            16 => "m_it_ta_1",
            17 => "m_ep_ta_1",
            18 => "m_ep_tb_1",
            19 => "m_ep_tc_1",
            20 => "m_ps_na_1",
            21 => "m_me_nd_1",
            30 => "m_sp_tb_1",
            31 => "m_dp_tb_1",
            32 => "m_st_tb_1",
            33 => "m_bo_tb_1",
            34 => "m_me_td_1",
            35 => "m_me_te_1",
            36 => "m_me_tf_1",
            37 => "m_it_tb_1",
            38 => "m_ep_td_1",
            39 => "m_ep_te_1",
            40 => "m_ep_tf_1",
            45 => "c_sc_na_1",
            46 => "c_dc_na_1",
            47 => "c_rc_na_1",
            48 => "c_se_na_1",
            49 => "c_se_nb_1",
            50 => "c_se_nc_1",
            51 => "c_bo_na_1",
            58 => "c_sc_ta_1",
            59 => "c_dc_ta_1",
            60 => "c_rc_ta_1",
            61 => "c_se_ta_1",
            62 => "c_se_tb_1",
            63 => "c_se_tc_1",
            64 => "c_bo_ta_1",
            70 => "m_ei_na_1",
            100 => "c_ic_na_1",
            101 => "c_ci_na_1",
            102 => "c_rd_na_1",
            103 => "c_cs_na_1",
            104 => "c_ts_na_1",
            105 => "c_rp_na_1",
            106 => "c_cd_na_1",
            107 => "c_ts_ta_1",
            110 => "p_me_na_1",
            111 => "p_me_nb_1",
            112 => "p_me_nc_1",
            113 => "p_ac_na_1",
            120 => "f_fr_na_1",
            121 => "f_sr_na_1",
            122 => "f_sc_na_1",
            123 => "f_ls_na_1",
            124 => "f_af_na_1",
            125 => "f_sg_na_1",
            126 => "f_dr_ta_1",
            127 => "f_sc_nb_1",
            _ => return None,
        })
    }

    /// Commands that switch or step equipment are control; set-points, bitstrings,
    /// clock sync and parameters are writes; interrogations and monitor data are reads.
    pub fn class(self) -> OperationClass {
        use OperationClass::*;
        match self.0 {
            1..=44 => Read,
            45..=47 | 58..=60 => Control,
            48..=51 | 61..=64 => Write,
            70 => Diagnostic,
            100..=102 => Read,
            103 => Write,
            104 | 107 => Diagnostic,
            105 => Control,
            106 => Session,
            110..=113 => Write,
            120..=127 => Program,
            _ => Other,
        }
    }

    /// Size of one information element (without its 3-byte IOA), when known.
    pub fn element_size(self) -> Option<usize> {
        Some(match self.0 {
            1 | 3 | 45 | 46 | 47 | 70 | 100 | 101 | 105 | 113 => 1,
            5 | 21 | 104 | 106 => 2,
            9 | 11 | 48 | 49 | 110 | 111 => 3,
            51 => 4,
            7 | 13 | 15 | 20 | 50 | 112 => 5,
            103 => 7,
            30 | 31 | 58 | 59 | 60 => 8,
            32 | 107 => 9,
            34 | 35 | 38 | 61 | 62 => 10,
            39 | 40 | 64 => 11,
            33 | 36 | 37 | 63 => 12,
            102 => 0,
            _ => return None,
        })
    }
}

/// U-frame functions (control field octet 1).
pub fn u_frame_name(ctrl: u8) -> Option<&'static str> {
    Some(match ctrl & 0xFC {
        0x04 => "startdt_act",
        0x08 => "startdt_con",
        0x10 => "stopdt_act",
        0x20 => "stopdt_con",
        0x40 => "testfr_act",
        0x80 => "testfr_con",
        _ => return None,
    })
}

/// Cause of transmission (low 6 bits).
pub fn cause_is_request(cot: u8) -> Option<bool> {
    match cot & 0x3F {
        5 | 6 | 8 => Some(true),
        7 | 9 | 10 | 20..=41 | 44..=47 => Some(false),
        _ => None,
    }
}
