import Foundation
import Testing

@Suite("spotcheck configuration")
struct ConfigurationTests {
    @Test("the config file sets the default region and the database; the environment overrides it; a broken file exits 65")
    func configFile() throws {
        let cli = SpotcheckProcess()
        let otherDatabase = cli.directory.appendingPathComponent("from-config.sqlite").path
        let config = try cli.write("spotcheck.yaml", "region: national\ndb: \(otherDatabase)\n")
        // No SPOTCHECK_DB: the file's db is used.
        let fromFile: [String: String?] = ["SPOTCHECK_CONFIG": config, "SPOTCHECK_DB": nil]
        #expect(try cli.run(["calendar", "load", "config/calendar"], environment: fromFile).status == 0)
        #expect(FileManager.default.fileExists(atPath: otherDatabase))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
        let answer = try cli.run(["calendar", "add", "2025-06-03", "5", "--json"], environment: fromFile).json()
        #expect(answer["region"] as? String == "national")
        #expect(answer["provisional"] as? Bool == false)
        var overridden = fromFile
        overridden["SPOTCHECK_REGION"] = "ningxia"
        #expect(try cli.run(["calendar", "add", "2025-06-03", "5", "--json"], environment: overridden).json()["region"] as? String == "ningxia")
        let broken = try cli.write("broken.yaml", "region: [1,\n")
        let refused = try cli.run(["calendar", "add", "2025-06-03", "5"], environment: ["SPOTCHECK_CONFIG": broken])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("broken.yaml"))
    }
}
