/// The page published with a draw (Art. 17): what the files are and how anyone can check them.
public struct DrawPage: Sendable {
    public var round: String
    public var manifestSHA256: String
    /// The result JSON, shown on the page.
    public var result: String

    public init(round: String, manifestSHA256: String, result: String) {
        self.round = round
        self.manifestSHA256 = manifestSHA256
        self.result = result
    }

    public func html() -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>抽查摇号结果 \(round.htmlEscaped)</title>
        <style>body { font-family: sans-serif; margin: 2em; max-width: 60em; } pre { background: #f4f4f4; padding: 1em; overflow-x: auto; }</style>
        </head>
        <body>
        <h1>双随机抽查：\(round.htmlEscaped)</h1>
        <p>本次抽取依据《宁夏司法行政机关“双随机一公开”监管工作细则》（宁司通〔2020〕1号）第十条、第十一条、第十七条，
        采用公开可验证的 SPOTCHECK-DRAW-1 方法：抽取前公布名单（manifest）及其指纹，并约定使用当时尚未产生的公开随机数；
        随机数公布后，结果由公开规则唯一确定，任何人都可以复算。</p>
        <h2>Files</h2>
        <ul>
        <li><a href="manifest.json">manifest.json</a>: the announced manifest. <code>sha256sum manifest.json</code> must print <code>\(manifestSHA256)</code>.</li>
        <li><a href="values.json">values.json</a>: the public random values as published by their sources.</li>
        <li><a href="substitutions.json">substitutions.json</a>: replacements of drawn inspectors, with reasons, in order.</li>
        <li><a href="result.json">result.json</a>: the result.</li>
        </ul>
        <h2>How to check it</h2>
        <ol>
        <li>Check the manifest's fingerprint with <code>sha256sum manifest.json</code>.</li>
        <li>Write each source value in its fixed form (numbers sorted, each followed by a dot; text lower-cased, followed by a dot),
        each followed by <code>/</code>: that is <code>key_string</code> in result.json.</li>
        <li>The seed is <code>printf 'SPOTCHECK-DRAW-1\\n%s\\n%s' MANIFEST_SHA256 KEY_STRING | sha256sum</code>.</li>
        <li>An institution's ticket is <code>printf '%s\\n%s\\n%s' SEED institution ID | sha256sum</code>; in each group the smallest tickets are drawn,
        ceil(group size × rate) of them. An inspector's ticket for an institution uses the domain <code>inspector/INSTITUTION_ID</code>;
        local inspectors come before fallback ones, recusal pairs and capped inspectors are passed over.</li>
        <li>Or run <code>spotcheck draw verify --manifest manifest.json result.json</code>, or any independent program written from the method.</li>
        </ol>
        <p>The whole method, step by step with a worked example: <a href="draw-algorithm.md">draw-algorithm.md</a>
        (<code>docs/draw-algorithm.md</code> in the SpotCheck source).</p>
        <h2>Result</h2>
        <pre>\(result.htmlEscaped)</pre>
        </body>
        </html>

        """
    }
}
