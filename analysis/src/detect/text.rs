//! What a person reads about an alert, in Japanese and English: a title
//! naming what happened between whom, why it matters, and what to check.
//! Addresses and names in the texts come from the wire; whatever shows
//! them must escape them.

use super::alert::{Alert, AlertType, Texts};
use crate::texts::t;

/// (title, why it matters, what to check).
pub fn texts(a: &Alert) -> (Texts, Texts, Texts) {
    let client = a.client.as_ref().map(|p| p.label()).unwrap_or_default();
    let server = a.server.as_ref().map(|p| p.label()).unwrap_or_default();
    let proto = a.protocol.map(|p| p.as_str()).unwrap_or("");
    let ops: Vec<String> = a
        .operations
        .iter()
        .map(|(name, n)| format!("{name} ×{n}"))
        .collect();
    let ops = ops.join(", ");
    let subject = a.subject.as_str();
    use AlertType::*;
    match a.alert_type {
        PlcModeChange => (
            t(
                format!("{client} が {server} の運転モードを変更（{proto}: {ops}）"),
                format!("{client} changed the operating mode of {server} ({proto}: {ops})"),
            ),
            t(
                "コントローラの停止・起動・一時停止は設備を止めたり予期せず動かしたりします。攻撃者が制御を奪う・妨害するときの典型的な手口でもあります。",
                "Stopping, starting or pausing a controller halts the process or sets it moving unexpectedly; it is also how attackers take over or disrupt control.",
            ),
            t(
                "その時刻に保全・立上げ作業の予定があったか、送信元が許可されたエンジニアリング端末か、現場でコントローラの状態（RUN/STOP）を確認してください。",
                "Check whether maintenance or a start-up was planned at that time, whether the sender is an authorised engineering workstation, and the controller's actual RUN/STOP state on site.",
            ),
        ),
        DeviceRestart => (
            t(
                format!("{client} が {server} に再起動・リセットを要求（{proto}: {ops}）"),
                format!("{client} asked {server} to restart or reset ({proto}: {ops})"),
            ),
            t(
                "再起動中の機器は制御も監視もできません。リセットで設定や保持データが消えることもあり、不正な改ざんを有効にするために使われることもあります。",
                "A restarting device neither controls nor reports; a reset may clear settings or retained data, and restarts are used to make tampering take effect.",
            ),
            t(
                "計画された作業か、送信元が誰の端末か、機器が正常に復帰してプロセスが期待どおり動いているかを確認してください。",
                "Check whether it was planned work, whose machine sent it, and that the device came back and the process runs as expected.",
            ),
        ),
        DeviceReconfigure => (
            t(
                format!("{client} が {server} の設定を変更（{proto}: {ops}）"),
                format!("{client} changed the configuration of {server} ({proto}: {ops})"),
            ),
            t(
                "設定の初期化・保存・有効化は、機器の動作条件そのものを書き換えます。",
                "Initialising, saving or activating a configuration rewrites how the device behaves.",
            ),
            t(
                "変更管理の記録と照合し、変更後の設定値が正しいか機器側で確認してください。",
                "Match it against the change records and verify the resulting settings on the device.",
            ),
        ),
        ProgramDownload => (
            t(
                format!("{client} から {server} へプログラムを書き込み（{proto}: {ops}）"),
                format!("{client} downloaded program or logic to {server} ({proto}: {ops})"),
            ),
            t(
                "コントローラのプログラムが書き換わると、設備の動きそのものが変わります。Stuxnet のような攻撃はこの手順で制御ロジックを仕込みます。",
                "A new program changes what the plant does; attacks such as Stuxnet plant their logic this way.",
            ),
            t(
                "承認された変更作業か、送信元が正規のエンジニアリング端末か、書き込まれたプログラムが承認済みのバージョンと一致するか確認してください。",
                "Check that the change was approved, that the sender is the authorised engineering workstation, and that the program in the controller matches the approved version.",
            ),
        ),
        ProgramUpload => (
            t(
                format!("{client} が {server} からプログラムを読み出し（{proto}: {ops}）"),
                format!("{client} uploaded the program of {server} ({proto}: {ops})"),
            ),
            t(
                "プログラムの読み出しは設備のノウハウを持ち出し、改ざん前の下調べにも使われます。",
                "Reading a program out takes the plant's know-how away and is how an attacker studies logic before changing it.",
            ),
            t(
                "送信元が正規のエンジニアリング端末か、バックアップや比較作業の予定があったか確認してください。",
                "Check that the sender is an authorised engineering workstation and whether a backup or comparison was planned.",
            ),
        ),
        LogicChange => (
            t(
                format!("{client} が {server} のブロック・ロジックを変更（{proto}: {ops}）"),
                format!("{client} changed blocks or logic in {server} ({proto}: {ops})"),
            ),
            t(
                "ブロックの追加・削除・消去はコントローラの動作を直接変えます。",
                "Inserting, deleting or erasing blocks changes what the controller does, directly.",
            ),
            t(
                "変更作業の承認記録と照合し、コントローラ内のプログラムを承認済みのものと比較してください。",
                "Match it against approved changes and compare the controller's program with the approved one.",
            ),
        ),
        FirmwareUpdate => (
            t(
                format!("{client} から {server} へファームウェア操作（{proto}: {ops}）"),
                format!("{client} sent firmware operations to {server} ({proto}: {ops})"),
            ),
            t(
                "ファームウェアの書き換えは機器の中身を入れ替えます。不正なファームウェアは検知も復旧も困難です。",
                "Rewriting firmware replaces the device's insides; rogue firmware is hard to detect and to recover from.",
            ),
            t(
                "計画された更新か、ファームウェアの入手元と版数、更新後の機器のバージョン表示を確認してください。",
                "Check that the update was planned, where the firmware came from and its version, and the version the device reports afterwards.",
            ),
        ),
        ClockChange => (
            t(
                format!("{client} が {server} の時計を変更（{proto}: {ops}）"),
                format!("{client} set the clock of {server} ({proto}: {ops})"),
            ),
            t(
                "時計がずれると、時刻で動くスケジュール処理やイベント記録の順序が狂い、事象の調査も難しくなります。",
                "A wrong clock upsets time-driven schedules and the order of event records, and makes investigations harder.",
            ),
            t(
                "時刻同期の仕組み（NTP など）と送信元が一致するか、機器の現在時刻が正しいか確認してください。",
                "Check that the sender is the site's time source and that the device's clock is right now.",
            ),
        ),
        ProfinetDcpSet => (
            t(
                format!("{client} が PROFINET DCP Set を {server} に送信（{ops}）"),
                format!("{client} sent PROFINET DCP Set to {server} ({ops})"),
            ),
            t(
                "DCP Set は局名や IP アドレスを書き換え、工場出荷状態に戻すこともできます。局名が変わると IO コントローラとの通信が切れ、設備が止まることがあります。",
                "DCP Set rewrites a station's name or IP address, or resets it to factory settings; a changed name cuts it off from its IO controller and can stop the line.",
            ),
            t(
                "機器の交換・立上げ作業中だったか、送信元が TIA Portal などの正規の設定ツールか、局名と IP アドレスが設計どおりか確認してください。",
                "Check whether a device was being replaced or commissioned, that the sender is the authorised configuration tool, and that the name and address match the design.",
            ),
        ),
        GooseStateJump => (
            t(
                format!("{client} の GOOSE 状態番号（stNum）が不連続（{ops}）"),
                format!(
                    "The GOOSE state number (stNum) sent by {client} skipped or went back ({ops})"
                ),
            ),
            t(
                "GOOSE の送信元（パブリッシャ）は状態が変わるたびに stNum を 1 ずつ増やします。stNum が飛んだ場合は、センサーまたは受信側が状態変化を取りこぼしたか、偽の GOOSE（大きな stNum を付けてトリップやインターロックの値を送り込む典型的な攻撃）が考えられます。stNum が戻った場合は、偽の GOOSE の後に正規の送信元が送信を続けているか、過去のフレームを送り直すリプレイ攻撃が考えられます。",
                "A GOOSE publisher raises stNum by one for each new state. A skip means state changes the sensor or the subscribers missed, or a forged GOOSE (the classic attack sends a higher stNum to push trip or interlock values); a step back means the genuine publisher carrying on after such a frame, or a replay of old frames.",
            ),
            t(
                "同じ制御ブロック（gocbRef）を別の機器が送信していないか、送信元 IED の再起動や通信断、センサーのパケット取りこぼしがなかったか、受信側 IED の動作記録（トリップ・インターロック）を確認してください。",
                "Check whether another device sends the same control block (gocbRef), whether the publishing IED restarted or lost its link, whether the sensor dropped packets, and what the subscribing IEDs did (trips, interlocks) at that time.",
            ),
        ),
        NetworkScan => (
            t(
                format!("{client} がネットワークをスキャン（{ops}）"),
                format!("{client} scanned the network ({ops})"),
            ),
            t(
                "短時間に多数の機器やポートへ接続を試みるのは、攻撃の前の偵察によく見られる動きです。",
                "Trying many hosts or ports within a minute is the reconnaissance that comes before an attack.",
            ),
            t(
                "送信元の端末と利用者を特定し、脆弱性診断などの予定された作業か確認してください。予定外なら端末を隔離して調査してください。",
                "Identify the machine and its user and whether an assessment was scheduled; if not, isolate it and investigate.",
            ),
        ),
        DiscoverySweep => (
            t(
                format!("{client} が {proto} で機器を探索（{ops}）"),
                format!("{client} searched for devices over {proto} ({ops})"),
            ),
            t(
                "機器探索は、設定ツールが通常行うものですが、攻撃者が制御機器の一覧を作るのにも使います。",
                "Discovery is routine for configuration tools, and it is also how an attacker lists the controllers.",
            ),
            t(
                "送信元がいつも探索を行う監視装置や設定ツールか確認してください。見慣れない端末なら利用者に確認してください。",
                "Check that the sender is a monitoring system or tool that always does this; if the machine is unfamiliar, ask its user.",
            ),
        ),
        MalformedPackets => (
            t(
                format!(
                    "{proto} の不正な形式のパケット（センサー {}: {ops}）",
                    a.sensor
                ),
                format!("Malformed {proto} messages (sensor {}: {ops})", a.sensor),
            ),
            t(
                "規格に合わない産業プロトコルのメッセージは、脆弱性を突く攻撃やファジング、または故障した機器から届きます。",
                "Industrial messages that break the protocol's rules come from exploits, fuzzing, or faulty devices.",
            ),
            t(
                "その時間帯の通信をキャプチャして送信元を特定し、機器のエラー記録や動作に異常がないか確認してください。新しい機器・新しいソフトウェア版の導入と重なっていないかも確認してください。",
                "Capture that traffic to find the sender, and check the devices' error logs and behaviour; also check whether a new device or software version arrived then.",
            ),
        ),
        ProtocolErrorBurst => (
            t(
                format!("{client} → {server} でエラー応答が多発（{proto}: {ops}）"),
                format!("Burst of error answers from {server} to {client} ({proto}: {ops})"),
            ),
            t(
                "機器が拒否する要求を短時間に繰り返すのは、対応機能やアドレスを探るスキャンか、設定を誤った通信元です。",
                "Requests the device keeps refusing are a scan of its functions or addresses, or a misconfigured poller.",
            ),
            t(
                "送信元が正規の HMI・監視装置か、最近設定を変えていないか確認してください。身に覚えがなければ送信元を調査してください。",
                "Check that the sender is an authorised HMI or poller and whether its configuration changed recently; if nobody knows it, investigate the sender.",
            ),
        ),
        NewAsset => (
            t(
                format!("新しい機器 {client}"),
                format!("New device {client}"),
            ),
            t(
                "学習期間に見なかった機器がネットワークに現れました。持ち込み PC や不正な機器の接続であることがあります。",
                "A device not seen while learning appeared on the network: it may be a visiting laptop or an unauthorised device.",
            ),
            t(
                "機器の設置・交換の予定があったか、資産台帳にあるか、接続されているスイッチのポートを確認してください。",
                "Check whether a device was installed or replaced, whether it is in the asset register, and which switch port it is on.",
            ),
        ),
        NewEdge => (
            t(
                format!("新しい通信 {client} → {server}（{proto}）"),
                format!("New communication {client} → {server} ({proto})"),
            ),
            t(
                "学習期間に通信のなかった組み合わせです。設定変更、新しい機器、または不正なアクセスの可能性があります。",
                "These two never talked while learning: a configuration change, a new device, or unauthorised access.",
            ),
            t(
                "送信元がこの機器と通信する理由があるか、最近の設定変更と一致するか確認してください。",
                "Check whether the sender has a reason to talk to this device and whether it matches a recent change.",
            ),
        ),
        NewProtocol => (
            t(
                format!("{client} → {server} で新しいプロトコル {proto}"),
                format!("New protocol {proto} from {client} to {server}"),
            ),
            t(
                "いつもの相手と別のプロトコルで通信を始めました。別のツールが使われている可能性があります。",
                "A known pair started speaking another protocol: another tool is being used.",
            ),
            t(
                "送信元で新しいソフトウェアを使い始めていないか、その利用が認められているか確認してください。",
                "Check whether new software runs on the sender and whether it is allowed.",
            ),
        ),
        NewOperationClass => (
            t(
                format!("{client} → {server} で新しい操作種別 {subject}（{proto}: {ops}）"),
                format!(
                    "New kind of operation, {subject}, from {client} to {server} ({proto}: {ops})"
                ),
            ),
            t(
                "学習期間には見られなかった種類の操作です。読み出しだけだった相手への初めての書き込みは、設定値の改ざんの兆候であることがあります。",
                "This kind of operation was not seen while learning; the first write where there were only reads can be a parameter being tampered with.",
            ),
            t(
                "操作した人と目的、書き込まれたアドレスと値が正しいか確認してください。",
                "Check who did it and why, and whether the addresses and values written are right.",
            ),
        ),
        NewFunction => (
            t(
                format!("{client} → {server} で新しい機能（{proto}: {ops}）"),
                format!("New functions from {client} to {server} ({proto}: {ops})"),
            ),
            t(
                "同じ種類の操作でも、学習期間に使われなかった機能です。",
                "An operation of a known kind, but a function not used while learning.",
            ),
            t(
                "送信元のソフトウェアや設定に変更がなかったか確認してください。",
                "Check whether the sender's software or configuration changed.",
            ),
        ),
        NewRole => (
            t(
                format!("{client} の役割が変化（{subject}）"),
                format!("{client} changed role ({subject})"),
            ),
            t(
                "機器のふるまいが学習期間と変わりました。例えば HMI がプログラムを書き込み始めると、エンジニアリング端末として扱われます。",
                "The device behaves differently from what was learned; an HMI that starts downloading programs, for example, now acts as an engineering workstation.",
            ),
            t(
                "その機器で新しいソフトウェアや作業が始まっていないか、乗っ取られていないか確認してください。",
                "Check whether new software or work started on that device, or whether it was taken over.",
            ),
        ),
        ItProtocolToOt => (
            t(
                format!("{client} から制御機器 {server} への IT 通信（{subject}）"),
                format!("IT protocol {subject} from {client} to control device {server}"),
            ),
            t(
                "リモートアクセスやファイル共有、Web の通信が制御機器に届いています。侵入や設定変更の経路になり得ます。",
                "Remote access, file sharing or web traffic is reaching a control device: a way in for intruders or unauthorised changes.",
            ),
            t(
                "この通信が必要か、送信元が誰か、機器の該当サービスを無効化できないか確認してください。",
                "Check whether this access is needed, who the sender is, and whether the service can be turned off on the device.",
            ),
        ),
        PurdueLevelSkip => (
            t(
                format!("階層を飛び越える通信 {client} → {server}（{proto}）"),
                format!("Communication skipping Purdue levels: {client} → {server} ({proto})"),
            ),
            t(
                "情報系の端末が制御機器と直接通信するなど、本来あいだに入るべき階層を飛び越えています。ネットワーク分離の抜け穴です。",
                "Assets more than one level apart talk directly (an IT host to a controller, for example): a gap in the network's segmentation.",
            ),
            t(
                "ファイアウォールや VLAN の設定でこの経路が許可されているか、本当に必要な通信か確認してください。",
                "Check whether firewalls or VLANs allow this path on purpose and whether the communication is needed.",
            ),
        ),
        TrafficSpike => (
            t(
                format!("{client} → {server} の通信量が急増（{proto}、{subject}: {ops}）"),
                format!("Traffic from {client} to {server} jumped ({proto}, {subject}: {ops})"),
            ),
            t(
                "いつもの周期で動いている通信が学習時の 3 倍以上に増えました。設定変更、機器の不調による再送、または攻撃（大量の書き込みや負荷をかける行為）の可能性があります。",
                "A conversation that runs at a steady rate reached three times its learned rate: a configuration change, retries from a failing device, or an attack (a flood of writes or a load on the device).",
            ),
            t(
                "送信元の設定変更や再起動がなかったか、増えた操作の種類（書き込みか読み出しか）、相手の機器の負荷と応答を確認してください。",
                "Check for configuration changes or restarts on the sender, which operations grew (writes or reads), and the target device's load and answers.",
            ),
        ),
        PollingStopped => (
            t(
                format!("{client} → {server} の定期通信が停止（{proto}、{subject}）"),
                format!("Periodic polling from {client} to {server} stopped ({proto}, {subject})"),
            ),
            t(
                "学習期間中ほぼ毎分あった通信が 5 分以上途絶えています。HMI や監視装置、コントローラ、あいだのネットワークが止まっていると、監視や制御ができません。",
                "A conversation seen almost every minute while learning has been silent for five minutes or more: if the HMI, the controller or the network between them is down, nothing is monitored or controlled.",
            ),
            t(
                "両方の機器が動いているか、HMI の画面が更新されているか、ケーブルやスイッチ、ファイアウォールの設定変更がなかったか確認してください。",
                "Check that both devices are up, that the HMI screens still update, and whether cabling, switches or firewall rules changed.",
            ),
        ),
        IpMacChange => (
            t(
                format!("IP と MAC の組み合わせの変化（{subject}）"),
                format!("IP/MAC pairing changed ({subject})"),
            ),
            t(
                "既知の IP アドレスが別の MAC から送られた、または既知の MAC が別の IP アドレスを使い始めました。機器交換や DHCP のこともありますが、なりすましや通信の横取り（ARP スプーフィング）の兆候のこともあります。",
                "A known IP address came from another MAC, or a known MAC took another address: a device swap or DHCP, or spoofing and traffic interception (ARP spoofing).",
            ),
            t(
                "機器の交換や IP アドレス変更の予定があったか、同じ IP アドレスを名乗る機器が複数ないか確認してください。",
                "Check whether a device was swapped or readdressed, and whether two devices claim the same address.",
            ),
        ),
    }
}
