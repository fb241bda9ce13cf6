//! The words of the alert export page (receivers and delivery log). Like
//! the alert pages it is HTML rendered on the server, so its words are
//! compiled into the server only.

use super::Lang;

pub struct ExportWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub link: &'static str,
    pub receivers: &'static str,
    pub none: &'static str,
    pub kind: &'static str,
    pub address: &'static str,
    pub address_hint: &'static str,
    pub min_severity: &'static str,
    pub state: &'static str,
    pub enabled: &'static str,
    pub paused: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub delete: &'static str,
    pub secret: &'static str,
    pub secret_hint: &'static str,
    pub waiting: &'static str,
    pub delivered: &'static str,
    pub added_by: &'static str,
    pub add: &'static str,
    pub add_title: &'static str,
    pub log: &'static str,
    pub log_none: &'static str,
    pub receiver: &'static str,
    pub alert: &'static str,
    pub severity: &'static str,
    pub attempts: &'static str,
    pub last_attempt: &'static str,
    pub next_attempt: &'static str,
    pub error: &'static str,
    pub own_ca: &'static str,
    pub ca_pem: &'static str,
    pub ca_pem_hint: &'static str,
    pub kinds: [&'static str; 4],
    pub delivery_states: [&'static str; 2],
}

impl ExportWords {
    /// A receiver kind as users read it; an unknown wire name as it is.
    pub fn kind<'a>(&self, wire: &'a str) -> &'a str {
        match wire {
            "syslog_tcp" => self.kinds[0],
            "syslog_tls" => self.kinds[1],
            "syslog_udp" => self.kinds[2],
            "webhook" => self.kinds[3],
            other => other,
        }
    }

    pub fn delivery_state<'a>(&self, wire: &'a str) -> &'a str {
        match wire {
            "pending" => self.delivery_states[0],
            "delivered" => self.delivery_states[1],
            other => other,
        }
    }
}

impl Lang {
    pub fn alert_export(self) -> &'static ExportWords {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

pub static EN: ExportWords = ExportWords {
    title: "Alert export",
    intro: "Each alert is sent once to every active receiver whose lowest severity it reaches, when it opens (or when it repeats after the receiver was added). A receiver that does not answer is tried again, waiting longer each time; nothing is dropped.",
    link: "Export to SIEM and webhooks",
    receivers: "Receivers",
    none: "No receiver yet.",
    kind: "Kind",
    address: "Address",
    address_hint: "host:port for syslog (TLS: usually port 6514); an https:// URL for a webhook",
    min_severity: "Lowest severity sent",
    state: "State",
    enabled: "Active",
    paused: "Paused",
    pause: "Pause",
    resume: "Resume",
    delete: "Delete",
    secret: "Signing key",
    secret_hint: "The receiver checks X-OTLens-Signature: the HMAC-SHA256 of \"<X-OTLens-Timestamp>.<body>\" under this key.",
    waiting: "Waiting",
    delivered: "Delivered",
    added_by: "Added by",
    add: "Add",
    add_title: "Add a receiver",
    log: "Delivery log",
    log_none: "Nothing sent yet.",
    receiver: "Receiver",
    alert: "Alert",
    severity: "Severity",
    attempts: "Tries",
    last_attempt: "Last try",
    next_attempt: "Next try",
    error: "Last error",
    own_ca: "Certificate checked against its own CA",
    ca_pem: "CA certificate (syslog over TLS only)",
    ca_pem_hint: "PEM of the CA that signed the receiver's certificate, if it is not a public one. Leave empty for public CAs.",
    kinds: [
        "Syslog CEF over TCP",
        "Syslog CEF over TLS",
        "Syslog CEF over UDP",
        "Webhook (JSON)",
    ],
    delivery_states: ["Waiting", "Delivered"],
};

pub static JA: ExportWords = ExportWords {
    title: "アラート転送",
    intro: "各アラートは、発生時（または受信先の追加後に再発したとき）に、最低重大度を満たす有効な受信先すべてへ一度ずつ送られます。応答しない受信先には間隔を延ばしながら再送し、取りこぼしません。",
    link: "SIEM・Webhook への転送",
    receivers: "受信先",
    none: "受信先はまだありません。",
    kind: "種類",
    address: "宛先",
    address_hint: "syslog は ホスト:ポート（TLS は通常 6514）、Webhook は https:// の URL",
    min_severity: "送信する最低重大度",
    state: "状態",
    enabled: "有効",
    paused: "停止中",
    pause: "停止",
    resume: "再開",
    delete: "削除",
    secret: "署名鍵",
    secret_hint: "受信側は X-OTLens-Signature（\"<X-OTLens-Timestamp>.<本文>\" のこの鍵による HMAC-SHA256）を検証します。",
    waiting: "送信待ち",
    delivered: "送信済み",
    added_by: "追加者",
    add: "追加",
    add_title: "受信先の追加",
    log: "送信履歴",
    log_none: "まだ何も送っていません。",
    receiver: "受信先",
    alert: "アラート",
    severity: "重大度",
    attempts: "試行",
    last_attempt: "最終試行",
    next_attempt: "次回試行",
    error: "最後のエラー",
    own_ca: "独自 CA で証明書を検証",
    ca_pem: "CA 証明書（syslog TLS のみ）",
    ca_pem_hint: "受信先の証明書が公的 CA 以外で署名されている場合、その CA の証明書（PEM）。公的 CA なら空のまま。",
    kinds: [
        "Syslog CEF（TCP）",
        "Syslog CEF（TLS）",
        "Syslog CEF（UDP）",
        "Webhook（JSON）",
    ],
    delivery_states: ["送信待ち", "送信済み"],
};
