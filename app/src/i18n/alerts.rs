//! The words of the alert pages — the list and one alert. Those pages are
//! HTML rendered on the server, so their words live here, compiled into
//! the server only. The alerts' own texts (title, why, what to check) come
//! with each alert in both languages (docs/DETECTIONS.md).

use super::Lang;

pub struct AlertWords {
    pub title: &'static str,
    /// The Alerts tab's badge, read aloud and on hover: `{n}` new alerts.
    pub new_badge: &'static str,
    pub filter: &'static str,
    pub clear: &'static str,
    pub any: &'static str,
    pub severity: &'static str,
    pub alert_type: &'static str,
    pub state: &'static str,
    pub asset: &'static str,
    pub since: &'static str,
    pub until: &'static str,
    /// `{total}` alerts.
    pub total: &'static str,
    pub no_match: &'static str,
    pub bad_filter: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub alert: &'static str,
    pub count: &'static str,
    pub first_seen: &'static str,
    pub last_seen: &'static str,
    pub client: &'static str,
    pub server: &'static str,
    pub protocol: &'static str,
    pub sensor: &'static str,
    pub technique: &'static str,
    pub why: &'static str,
    pub check: &'static str,
    pub evidence: &'static str,
    pub operations: &'static str,
    pub batches: &'static str,
    pub history: &'static str,
    pub triage: &'static str,
    pub note: &'static str,
    pub set_state: &'static str,
    pub allow_title: &'static str,
    pub allow_hint: &'static str,
    pub scope: &'static str,
    pub allow: &'static str,
    pub allows_title: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub all_alerts: &'static str,
    pub states: [&'static str; 4],
    pub scopes: [&'static str; 3],
}

impl AlertWords {
    /// A state's name as users read it; an unknown wire name as it is.
    pub fn state<'a>(&self, wire: &'a str) -> &'a str {
        match wire {
            "new" => self.states[0],
            "acknowledged" => self.states[1],
            "resolved" => self.states[2],
            "allowed" => self.states[3],
            other => other,
        }
    }

    pub fn scope<'a>(&self, wire: &'a str) -> &'a str {
        match wire {
            "edge" => self.scopes[0],
            "asset" => self.scopes[1],
            "zone" => self.scopes[2],
            other => other,
        }
    }
}

impl Lang {
    pub fn alerts(self) -> &'static AlertWords {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

pub static EN: AlertWords = AlertWords {
    title: "Alerts",
    new_badge: "{n} new alerts, not yet triaged",
    filter: "Filter",
    clear: "Clear",
    any: "Any",
    severity: "Severity",
    alert_type: "Type",
    state: "State",
    asset: "Asset id",
    since: "Seen since (UTC date)",
    until: "First seen before (UTC date)",
    total: "{total} alerts",
    no_match: "No alert matches.",
    bad_filter: "This filter cannot be applied:",
    previous: "Previous",
    next: "Next",
    alert: "Alert",
    count: "Times",
    first_seen: "First seen",
    last_seen: "Last seen",
    client: "From",
    server: "To",
    protocol: "Protocol",
    sensor: "Sensor",
    technique: "MITRE ATT&CK for ICS",
    why: "Why it matters",
    check: "What to check",
    evidence: "Evidence",
    operations: "Operations",
    batches: "Minute batches",
    history: "History",
    triage: "Triage",
    note: "Note",
    set_state: "Set",
    allow_title: "Allow this behaviour",
    allow_hint: "This type of alert will not be raised again for the chosen scope until the allow is revoked.",
    scope: "Scope",
    allow: "Allow",
    allows_title: "Allow list",
    revoke: "Revoke",
    revoked: "Revoked",
    all_alerts: "All alerts",
    states: ["New", "Acknowledged", "Resolved", "Allowed"],
    scopes: [
        "This connection (client, server, protocol)",
        "This asset",
        "This zone (sensor)",
    ],
};

pub static JA: AlertWords = AlertWords {
    title: "アラート",
    new_badge: "未対応のアラート {n} 件",
    filter: "絞り込み",
    clear: "解除",
    any: "すべて",
    severity: "重要度",
    alert_type: "種類",
    state: "状態",
    asset: "資産 ID",
    since: "この日以降に検知 (UTC)",
    until: "この日より前に初検知 (UTC)",
    total: "{total} 件のアラート",
    no_match: "該当するアラートはありません。",
    bad_filter: "この条件では絞り込めません:",
    previous: "前へ",
    next: "次へ",
    alert: "アラート",
    count: "回数",
    first_seen: "初検知",
    last_seen: "最終検知",
    client: "送信元",
    server: "宛先",
    protocol: "プロトコル",
    sensor: "センサー",
    technique: "MITRE ATT&CK for ICS",
    why: "なぜ重要か",
    check: "確認すること",
    evidence: "根拠",
    operations: "操作",
    batches: "分バッチ",
    history: "履歴",
    triage: "対応",
    note: "メモ",
    set_state: "変更",
    allow_title: "この動作を許可",
    allow_hint: "許可を取り消すまで、選んだ範囲ではこの種類のアラートを出しません。",
    scope: "範囲",
    allow: "許可",
    allows_title: "許可リスト",
    revoke: "取り消す",
    revoked: "取り消し済み",
    all_alerts: "アラート一覧",
    states: ["新規", "確認中", "解決済み", "許可済み"],
    scopes: [
        "この通信 (送信元・宛先・プロトコル)",
        "この資産",
        "このゾーン (センサー)",
    ],
};
