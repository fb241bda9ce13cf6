//! The words of the zones page. It is HTML rendered on the server, so its
//! words are compiled into the server only.

use super::Lang;

pub struct ZoneWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub zone: &'static str,
    pub kind: &'static str,
    pub defined: &'static str,
    pub automatic: &'static str,
    pub networks: &'static str,
    pub networks_hint: &'static str,
    pub vlans: &'static str,
    pub vlans_hint: &'static str,
    pub sensor: &'static str,
    pub any_sensor: &'static str,
    pub sensor_hint: &'static str,
    pub assets: &'static str,
    pub none: &'static str,
    pub name: &'static str,
    pub add_title: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub add: &'static str,
    pub delete: &'static str,
    pub define: &'static str,
    /// `{zone}`: the zone the form changes.
    pub edit_title: &'static str,
    pub refused: &'static str,
    pub viewer_note: &'static str,
}

impl Lang {
    pub fn zones(self) -> &'static ZoneWords {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

pub static EN: ZoneWords = ZoneWords {
    title: "Zones",
    intro: "A zone groups the assets of one part of the plant: by the networks, the VLANs or the sensor it covers. An address belongs to the most specific zone that covers it (the longest network prefix, then a VLAN, then a whole sensor); an address no zone covers stays in the zone of the sensor that saw it. Zones label and group: the asset table filters by them and the map groups by them. They never merge or split assets.",
    zone: "Zone",
    kind: "Kind",
    defined: "Defined",
    automatic: "Sensor",
    networks: "Networks",
    networks_hint: "CIDR networks or single addresses, separated by commas or spaces: 10.0.1.0/24, 10.0.2.0/24",
    vlans: "VLANs",
    vlans_hint: "802.1Q VLAN ids, 1 to 4094: 10 20",
    sensor: "Sensor",
    any_sensor: "Any sensor",
    sensor_hint: "Limit the zone to one sensor when two sites reuse the same addresses; a sensor with no networks and no VLANs makes the zone everything that sensor sees.",
    assets: "Assets",
    none: "No zone yet: the assets appear once a sensor uploads.",
    name: "Name",
    add_title: "Define a zone",
    edit: "Edit",
    save: "Save",
    add: "Define",
    delete: "Delete",
    define: "Name this zone",
    edit_title: "Change zone {zone}",
    refused: "Not saved",
    viewer_note: "Customer admins define zones.",
};

pub static JA: ZoneWords = ZoneWords {
    title: "ゾーン",
    intro: "ゾーンはプラントの一区画の資産をまとめるものです。ネットワーク、VLAN、またはセンサーで定義します。アドレスは、それを含む最も限定的なゾーン（ネットワークのプレフィックスが最も長いもの、次に VLAN、次にセンサー全体）に属し、どのゾーンにも含まれないアドレスは、それを観測したセンサーのゾーンに残ります。ゾーンはラベルとグループ分けに使われ（資産一覧の絞り込み、マップのグループ化）、資産を統合・分割することはありません。",
    zone: "ゾーン",
    kind: "種別",
    defined: "定義済み",
    automatic: "センサー",
    networks: "ネットワーク",
    networks_hint: "CIDR 形式のネットワークまたは単一アドレスをカンマか空白で区切って入力: 10.0.1.0/24, 10.0.2.0/24",
    vlans: "VLAN",
    vlans_hint: "802.1Q VLAN ID（1〜4094）: 10 20",
    sensor: "センサー",
    any_sensor: "すべてのセンサー",
    sensor_hint: "2 つの拠点で同じアドレスを使っている場合は、ゾーンを 1 台のセンサーに限定します。ネットワークも VLAN も指定しないと、そのセンサーが観測するすべてがゾーンになります。",
    assets: "資産数",
    none: "ゾーンはまだありません。センサーがアップロードすると資産が表示されます。",
    name: "名前",
    add_title: "ゾーンを定義",
    edit: "編集",
    save: "保存",
    add: "定義",
    delete: "削除",
    define: "このゾーンに名前を付ける",
    edit_title: "ゾーン {zone} を変更",
    refused: "保存されませんでした",
    viewer_note: "ゾーンは顧客管理者が定義します。",
};
