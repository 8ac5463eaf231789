public import Rosters

/// A deterministic random generator (SplitMix64), so a seed always gives the same demo data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A realistic synthetic Ningxia deployment: institutions across the 22 counties and six
/// categories (about 10 % high risk), inspectors per category and county, a checklist per
/// category, and some recusal pairs. Used by tests, benchmarks and the demo database.
public struct DemoDeployment: Sendable {
    public var institutions: [Institution]
    public var inspectors: [Inspector]
    public var checklist: [ChecklistItem]
    public var conflicts: [Conflict]

    /// Ningxia's county-level divisions with their names and a weight for how many
    /// institutions they hold (Yinchuan's districts the most).
    static let counties: [(code: String, name: String, weight: Int)] = [
        ("640104", "兴庆区", 14), ("640105", "西夏区", 8), ("640106", "金凤区", 12), ("640121", "永宁县", 4),
        ("640122", "贺兰县", 4), ("640181", "灵武市", 4), ("640202", "大武口区", 5), ("640205", "惠农区", 3),
        ("640221", "平罗县", 4), ("640302", "利通区", 6), ("640303", "红寺堡区", 2), ("640323", "盐池县", 3),
        ("640324", "同心县", 3), ("640381", "青铜峡市", 3), ("640402", "原州区", 5), ("640422", "西吉县", 3),
        ("640423", "隆德县", 2), ("640424", "泾源县", 2), ("640425", "彭阳县", 2), ("640502", "沙坡头区", 5),
        ("640521", "中宁县", 3), ("640522", "海原县", 3),
    ]
    static let cities = ["640100": "银川", "640200": "石嘴山", "640300": "吴忠", "640400": "固原", "640500": "中卫"]

    /// Share of institutions per category, in percent.
    static let categoryShares: [(Category, Int)] = [(.lawyer, 45), (.grassroots, 24), (.legalAid, 8), (.notary, 9), (.forensic, 9), (.arbitration, 5)]
    static let riskReasons = ["投诉较多（complaints）", "列入经营异常名录（abnormal-operation list）", "信用等级较差（poor credit）", "存在重大风险隐患（major hazard）"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenCharacters = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强海燕永红晓东文斌鹏辉亮建华婷宁夏回民")
    static let wordPool = Array("正信诚德明恒泰和达盛远鼎华安宏昌瑞丰嘉博睿衡平广元天仁智启")

    /// Builds a deployment of about `institutionCount` institutions.
    public init(seed: UInt64 = 2026, institutionCount: Int = 600) {
        var random = SplitMix64(seed: seed)
        let totalWeight = Self.counties.reduce(0) { $0 + $1.weight }
        var institutions: [Institution] = []
        institutions.reserveCapacity(institutionCount)
        var usedCodes = Set<String>()
        var usedNames = Set<String>()
        for (category, share) in Self.categoryShares {
            let count = max(1, institutionCount * share / 100)
            for index in 0..<count {
                // Counties by weight; arbitration commissions sit in the five cities' main districts.
                var pick = Int.random(in: 0..<totalWeight, using: &random)
                var county = Self.counties[0]
                for candidate in Self.counties {
                    if pick < candidate.weight { county = candidate; break }
                    pick -= candidate.weight
                }
                if category == .arbitration { county = Self.counties.filter { ["640104", "640202", "640302", "640402", "640502"].contains($0.code) }[index % 5] }
                let cityCode = String(county.code.prefix(4)) + "00"
                let city = Self.cities[cityCode] ?? "宁夏"
                var name = ""
                repeat {
                    let word = String((0..<2).map { _ in Self.wordPool.randomElement(using: &random)! })
                    switch category {
                    case .lawyer: name = "宁夏\(word)律师事务所"
                    case .notary: name = "\(city)市\(county.name)\(word)公证处"
                    case .forensic: name = "宁夏\(word)司法鉴定所"
                    case .arbitration: name = "\(city)仲裁委员会\(word)分会"
                    case .legalAid: name = "\(county.name)法律援助中心\(word)工作站"
                    case .grassroots: name = "\(county.name)\(word)法律服务所"
                    }
                    if usedNames.contains(name) { name += "（\(index)）" }
                } while usedNames.contains(name)
                usedNames.insert(name)
                let prefix: String = switch category {
                case .lawyer: "31"
                case .notary: "32"
                case .grassroots: "33"
                case .forensic: "34"
                case .arbitration: "35"
                case .legalAid: "12"
                }
                var code = ""
                repeat {
                    let body = String((0..<9).map { _ in CreditCode.alphabet.randomElement(using: &random)! })
                    code = CreditCode.complete(prefix + county.code + body)!
                } while !usedCodes.insert(code).inserted
                let high = Int.random(in: 0..<100, using: &random) < 10
                institutions.append(Institution(
                    id: code, name: name, category: category, jurisdiction: county.code,
                    risk: high ? .high : .normal,
                    riskReason: high ? Self.riskReasons.randomElement(using: &random)! : nil,
                    status: Int.random(in: 0..<100, using: &random) < 2 ? .suspended : .active))
            }
        }
        self.institutions = institutions

        // Inspectors: each county office has a few; the city and province offices more.
        var inspectors: [Inspector] = []
        func person() -> String {
            let surname = String(Self.surnames.randomElement(using: &random)!)
            let given = String((0..<Int.random(in: 1...2, using: &random)).map { _ in Self.givenCharacters.randomElement(using: &random)! })
            return surname + given
        }
        let offices = Self.counties.map { ($0.code, 4 + $0.weight / 3) } + Self.cities.keys.sorted().map { ($0, 6) } + [("640000", 10)]
        for (office, count) in offices {
            for number in 1...count {
                var categories: Set<Category> = [Category.allCases[(number - 1) % Category.allCases.count]]
                for category in Category.allCases where Int.random(in: 0..<100, using: &random) < 30 { categories.insert(category) }
                inspectors.append(Inspector(
                    id: "SF\(office)\(threeDigits(number))", name: person(), jurisdiction: office,
                    categories: categories.sorted(),
                    status: Int.random(in: 0..<100, using: &random) < 5 ? .unavailable : .available))
            }
        }
        self.inspectors = inspectors

        self.checklist = Self.checklistItems()

        // Recusal pairs: an inspector and an institution of the same county, e.g. a former employer.
        var conflicts: [Conflict] = []
        var pairs = Set<String>()
        let reasons = ["曾在该机构执业", "近亲属在该机构任职", "与该机构负责人有利害关系"]
        for _ in 0..<max(5, institutions.count / 20) {
            let institution = institutions.randomElement(using: &random)!
            let local = inspectors.filter { $0.jurisdiction == institution.jurisdiction }
            guard let inspector = local.randomElement(using: &random), pairs.insert(inspector.id + institution.id).inserted else { continue }
            conflicts.append(Conflict(inspector: inspector.id, institution: institution.id, reason: reasons.randomElement(using: &random)!))
        }
        self.conflicts = conflicts
    }

    /// The checklist of each category (抽查事项清单), after the items the judicial
    /// administration publishes: legal basis, subject, content and method for each.
    static func checklistItems() -> [ChecklistItem] {
        let subject = "宁夏回族自治区司法厅，各市、县（区）司法局"
        let items: [(Category, String, String, String, String)] = [
            (.lawyer, "执业许可与年度考核", "《中华人民共和国律师法》第十八条、《律师事务所管理办法》", "律师事务所执业许可证、年度检查考核情况", "书面检查、实地核查"),
            (.lawyer, "执业活动规范", "《中华人民共和国律师法》第二十三条", "收案、收费、利益冲突审查、档案管理", "查阅卷宗、实地核查"),
            (.lawyer, "律师执业管理", "《律师执业管理办法》", "律师执业证书、执业行为、投诉处理", "书面检查、抽查案卷"),
            (.lawyer, "财务与收费", "《律师服务收费管理办法》", "收费合同、票据、财务制度执行", "查阅账簿、实地核查"),
            (.notary, "公证执业活动", "《中华人民共和国公证法》第二十五条", "公证受理、审查、出证程序", "查阅卷宗、实地核查"),
            (.notary, "公证质量", "《公证程序规则》", "公证书质量、错证处理", "抽查公证卷宗"),
            (.notary, "公证收费", "《公证服务收费管理办法》", "收费标准执行、票据", "查阅账簿"),
            (.forensic, "鉴定机构资质", "《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》", "执业许可、仪器设备、场所", "实地核查"),
            (.forensic, "鉴定执业规范", "《司法鉴定程序通则》", "委托受理、鉴定程序、文书规范", "抽查鉴定案卷"),
            (.forensic, "鉴定人管理", "《司法鉴定人登记管理办法》", "鉴定人执业证、继续教育", "书面检查"),
            (.arbitration, "仲裁机构设立与登记", "《中华人民共和国仲裁法》第十条", "设立登记、组成人员", "书面检查"),
            (.arbitration, "仲裁案件管理", "《中华人民共和国仲裁法》", "仲裁程序、裁决书、档案", "抽查案卷"),
            (.legalAid, "法律援助受理与指派", "《中华人民共和国法律援助法》第三十五条", "申请受理、审查、指派时限", "查阅卷宗"),
            (.legalAid, "法律援助服务质量", "《中华人民共和国法律援助法》第五十七条", "办案质量、回访、投诉处理", "抽查案卷、回访受援人"),
            (.legalAid, "法律援助经费", "《中华人民共和国法律援助法》第四条", "经费使用、补贴发放", "查阅账簿"),
            (.grassroots, "执业许可与年度考核", "《基层法律服务所管理办法》", "执业核准、年度考核", "书面检查"),
            (.grassroots, "执业活动规范", "《基层法律服务工作者管理办法》", "业务范围、收案收费、档案", "实地核查、抽查案卷"),
        ]
        var counters: [Category: Int] = [:]
        return items.map { category, name, basis, content, method in
            counters[category, default: 0] += 1
            let code = "NX-\(category.rawValue.uppercased())-\(threeDigits(counters[category]!))"
            return ChecklistItem(category: category, code: code, name: name, basis: basis, subject: subject, content: content, method: method)
        }
    }
}

/// Three digits, zero-padded.
func threeDigits(_ value: Int) -> String {
    let digits = "\(value)"
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
