//! The words of the inventory's pages — dashboard figures, asset table,
//! asset page. Those sections are HTML rendered on the server, so their
//! words live here, compiled into the server only, and add nothing to the
//! code a browser loads.

use super::Lang;

pub struct InventoryWords {
    // dashboard
    pub assets_title: &'static str,
    pub by_role: &'static str,
    pub by_level: &'static str,
    pub no_level: &'static str,
    pub protocols_title: &'static str,
    pub protocol: &'static str,
    pub edges: &'static str,
    pub requests: &'static str,
    pub packets: &'static str,
    pub bytes: &'static str,
    pub traffic_title: &'static str,
    /// `{from}`, `{to}`: the hours the chart spans; `{peak}` its highest hour.
    pub traffic_caption: &'static str,
    pub new_title: &'static str,
    /// `{count}` assets first seen in the week up to `{through}`.
    pub new_caption: &'static str,
    pub nothing_yet: &'static str,
    pub all_assets: &'static str,
    pub skipping_edges: &'static str,
    // table
    pub filter: &'static str,
    pub clear: &'static str,
    pub any: &'static str,
    pub role: &'static str,
    pub level: &'static str,
    pub vendor: &'static str,
    pub zone: &'static str,
    pub seen_since: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub csv: &'static str,
    /// `{from}`–`{to}` of `{total}`.
    pub showing: &'static str,
    pub no_match: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    /// `{page}` of `{pages}`.
    pub page_of: &'static str,
    pub asset: &'static str,
    pub addresses: &'static str,
    pub protocols: &'static str,
    pub first_seen: &'static str,
    pub last_seen: &'static str,
    pub confidence: &'static str,
    pub bad_filter: &'static str,
    // asset page
    pub identity: &'static str,
    pub names: &'static str,
    pub macs: &'static str,
    pub oui_vendor: &'static str,
    pub product: &'static str,
    pub sensors: &'static str,
    pub facts_title: &'static str,
    pub fact_source: &'static str,
    pub fact_attribute: &'static str,
    pub fact_value: &'static str,
    pub role_title: &'static str,
    pub evidence: &'static str,
    pub set_by_user: &'static str,
    pub ip_history: &'static str,
    pub peers_title: &'static str,
    pub peer: &'static str,
    pub direction: &'static str,
    pub as_client: &'static str,
    pub as_server: &'static str,
    pub operations_title: &'static str,
    pub class: &'static str,
    pub count: &'static str,
    pub timeline_title: &'static str,
    pub timeline_first_seen: &'static str,
    /// `{ip}` in zone `{zone}`.
    pub timeline_address: &'static str,
    /// `{protocol}` with `{peer}`.
    pub timeline_edge: &'static str,
    pub timeline_last_seen: &'static str,
    pub hourly_title: &'static str,
    pub skips_levels: &'static str,
    pub decide_title: &'static str,
    pub decide_hint: &'static str,
    pub as_traffic_says: &'static str,
    pub save: &'static str,
    pub back_to_assets: &'static str,
    pub not_found: &'static str,
    // names of things
    pub roles: RoleNames,
    pub levels: [&'static str; 6],
    pub classes: ClassNames,
}

pub struct RoleNames {
    pub controller: &'static str,
    pub hmi: &'static str,
    pub engineering_workstation: &'static str,
    pub historian: &'static str,
    pub field_device: &'static str,
    pub network_device: &'static str,
    pub it_host: &'static str,
    pub unknown: &'static str,
}

pub struct ClassNames {
    pub read: &'static str,
    pub write: &'static str,
    pub control: &'static str,
    pub program: &'static str,
    pub firmware: &'static str,
    pub diagnostic: &'static str,
    pub discovery: &'static str,
    pub session: &'static str,
    pub other: &'static str,
}

impl InventoryWords {
    /// A role's name as users read it; an unknown wire name as it is.
    pub fn role<'a>(&self, wire: &'a str) -> &'a str {
        let r = &self.roles;
        match wire {
            "controller" => r.controller,
            "hmi" => r.hmi,
            "engineering_workstation" => r.engineering_workstation,
            "historian" => r.historian,
            "field_device" => r.field_device,
            "network_device" => r.network_device,
            "it_host" => r.it_host,
            "unknown" => r.unknown,
            other => other,
        }
    }

    /// A Purdue level's name; the number alone outside 0–5.
    pub fn level(&self, level: i64) -> String {
        usize::try_from(level)
            .ok()
            .and_then(|l| self.levels.get(l))
            .map(|name| (*name).to_owned())
            .unwrap_or_else(|| level.to_string())
    }

    /// An operation class's name; an unknown wire name as it is.
    pub fn class<'a>(&self, wire: &'a str) -> &'a str {
        let c = &self.classes;
        match wire {
            "read" => c.read,
            "write" => c.write,
            "control" => c.control,
            "program" => c.program,
            "firmware" => c.firmware,
            "diagnostic" => c.diagnostic,
            "discovery" => c.discovery,
            "session" => c.session,
            "other" => c.other,
            other => other,
        }
    }
}

impl Lang {
    pub fn inventory(self) -> &'static InventoryWords {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

pub static EN: InventoryWords = InventoryWords {
    assets_title: "Assets",
    by_role: "By role",
    by_level: "By Purdue level",
    no_level: "No level",
    protocols_title: "Protocols in use",
    protocol: "Protocol",
    edges: "Connections",
    requests: "Requests",
    packets: "Packets",
    bytes: "Bytes",
    traffic_title: "Traffic over time",
    traffic_caption: "Packets per hour (UTC), {from} to {to}; highest hour {peak} packets.",
    new_title: "New assets",
    new_caption: "{count} assets first seen in the 7 days up to {through}.",
    nothing_yet: "Nothing analysed yet: assets appear here once a sensor's first batches are analysed.",
    all_assets: "All assets",
    skipping_edges: "Connections that skip a Purdue level",
    filter: "Filter",
    clear: "Clear",
    any: "Any",
    role: "Role",
    level: "Level",
    vendor: "Vendor",
    zone: "Zone",
    seen_since: "Seen since",
    search: "Search",
    search_hint: "Name, address, vendor, product",
    csv: "Download CSV",
    showing: "{from}–{to} of {total}",
    no_match: "No asset matches these filters.",
    previous: "Previous",
    next: "Next",
    page_of: "Page {page} of {pages}",
    asset: "Asset",
    addresses: "Addresses",
    protocols: "Protocols",
    first_seen: "First seen",
    last_seen: "Last seen",
    confidence: "Confidence",
    bad_filter: "This filter cannot be applied",
    identity: "Identity",
    names: "Names",
    macs: "MAC addresses",
    oui_vendor: "Vendor (from the MAC address)",
    product: "Product",
    sensors: "Seen by",
    facts_title: "What the wire told",
    fact_source: "Source",
    fact_attribute: "Fact",
    fact_value: "Value",
    role_title: "Role",
    evidence: "Evidence",
    set_by_user: "set by a user",
    ip_history: "IP addresses over time",
    peers_title: "Communication",
    peer: "Peer",
    direction: "As",
    as_client: "client",
    as_server: "server",
    operations_title: "Operations by class",
    class: "Class",
    count: "Count",
    timeline_title: "Timeline",
    timeline_first_seen: "First seen",
    timeline_address: "Address {ip} (zone {zone})",
    timeline_edge: "{protocol} with {peer}",
    timeline_last_seen: "Last seen",
    hourly_title: "Requests by hour of day (UTC)",
    skips_levels: "skips a level",
    decide_title: "Correct the role or level",
    decide_hint: "Your choice replaces what the traffic suggests, also for every later batch; the engine's own assessment stays in the evidence.",
    as_traffic_says: "As the traffic says",
    save: "Save",
    back_to_assets: "Back to assets",
    not_found: "No such asset in your inventory.",
    roles: RoleNames {
        controller: "PLC / controller",
        hmi: "HMI / SCADA",
        engineering_workstation: "Engineering workstation",
        historian: "Historian",
        field_device: "Field device / IO",
        network_device: "Network device",
        it_host: "IT host",
        unknown: "Unknown",
    },
    levels: [
        "0 · Field",
        "1 · Control",
        "2 · Supervision",
        "3 · Site operations",
        "4 · Enterprise",
        "5 · Enterprise network",
    ],
    classes: ClassNames {
        read: "Read",
        write: "Write",
        control: "Control (run, stop, reset)",
        program: "Program upload or download",
        firmware: "Firmware",
        diagnostic: "Diagnostics",
        discovery: "Discovery",
        session: "Session",
        other: "Other",
    },
};

pub static JA: InventoryWords = InventoryWords {
    assets_title: "資産",
    by_role: "役割別",
    by_level: "パーデューレベル別",
    no_level: "レベルなし",
    protocols_title: "使用中のプロトコル",
    protocol: "プロトコル",
    edges: "通信ペア",
    requests: "要求",
    packets: "パケット",
    bytes: "バイト",
    traffic_title: "通信量の推移",
    traffic_caption: "1 時間ごとのパケット数 (UTC)、{from} から {to} まで。最大 {peak} パケット/時。",
    new_title: "新しい資産",
    new_caption: "{through} までの 7 日間に初めて観測された資産: {count} 件",
    nothing_yet: "まだ分析結果がありません。センサーの最初のバッチが分析されると、ここに資産が表示されます。",
    all_assets: "すべての資産",
    skipping_edges: "パーデューレベルを飛び越える通信",
    filter: "絞り込む",
    clear: "クリア",
    any: "すべて",
    role: "役割",
    level: "レベル",
    vendor: "ベンダー",
    zone: "ゾーン",
    seen_since: "この日以降に観測",
    search: "検索",
    search_hint: "名前、アドレス、ベンダー、製品",
    csv: "CSV ダウンロード",
    showing: "{total} 件中 {from}–{to} 件",
    no_match: "条件に合う資産はありません。",
    previous: "前へ",
    next: "次へ",
    page_of: "{pages} ページ中 {page} ページ",
    asset: "資産",
    addresses: "アドレス",
    protocols: "プロトコル",
    first_seen: "初回観測",
    last_seen: "最終観測",
    confidence: "確度",
    bad_filter: "この条件では絞り込めません",
    identity: "識別情報",
    names: "名前",
    macs: "MAC アドレス",
    oui_vendor: "ベンダー (MAC アドレスより)",
    product: "製品",
    sensors: "観測したセンサー",
    facts_title: "通信から得た情報",
    fact_source: "情報源",
    fact_attribute: "項目",
    fact_value: "値",
    role_title: "役割",
    evidence: "根拠",
    set_by_user: "ユーザーが設定",
    ip_history: "IP アドレスの履歴",
    peers_title: "通信相手",
    peer: "相手",
    direction: "立場",
    as_client: "クライアント",
    as_server: "サーバー",
    operations_title: "操作の種類別",
    class: "種類",
    count: "件数",
    timeline_title: "タイムライン",
    timeline_first_seen: "初回観測",
    timeline_address: "アドレス {ip} (ゾーン {zone})",
    timeline_edge: "{peer} と {protocol} で通信",
    timeline_last_seen: "最終観測",
    hourly_title: "時刻別の要求数 (UTC)",
    skips_levels: "レベル飛び越し",
    decide_title: "役割・レベルの修正",
    decide_hint: "ここで選んだ内容は、通信からの推定に代わって以後のバッチにも適用されます。エンジン自身の判定は根拠に残ります。",
    as_traffic_says: "通信からの推定どおり",
    save: "保存",
    back_to_assets: "資産一覧へ戻る",
    not_found: "この資産はお客様のインベントリにありません。",
    roles: RoleNames {
        controller: "PLC・コントローラ",
        hmi: "HMI・SCADA",
        engineering_workstation: "エンジニアリング端末",
        historian: "ヒストリアン",
        field_device: "フィールド機器・IO",
        network_device: "ネットワーク機器",
        it_host: "IT ホスト",
        unknown: "不明",
    },
    levels: [
        "0 · フィールド",
        "1 · 制御",
        "2 · 監視",
        "3 · 工場運用",
        "4 · 企業",
        "5 · 企業ネットワーク",
    ],
    classes: ClassNames {
        read: "読み出し",
        write: "書き込み",
        control: "制御 (運転・停止・リセット)",
        program: "プログラムの読み出し・書き込み",
        firmware: "ファームウェア",
        diagnostic: "診断",
        discovery: "探索",
        session: "セッション",
        other: "その他",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_the_engine_names_has_a_name_in_both_languages() {
        for lang in [Lang::Ja, Lang::En] {
            let words = lang.inventory();
            for wire in store::analysis::role_names() {
                assert_ne!(words.role(wire), wire, "{wire} in {lang:?}");
            }
            assert_eq!(words.role("a-new-role"), "a-new-role");
            assert_eq!(words.level(9), "9");
        }
    }
}
