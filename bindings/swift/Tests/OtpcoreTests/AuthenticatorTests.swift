// Issue 15 from Swift: codes shown as apps show them (grouped, with the
// countdown), Google Authenticator export (imported back), and TOTP
// resynchronisation in the stateful verifier.

import Foundation
import XCTest

@testable import Otpcore

final class AuthenticatorTests: XCTestCase {
    private let seed = Data("12345678901234567890".utf8)
    private let t: UInt64 = 1_700_000_000

    func testCodesAreGroupedAsAppsShowThem() throws {
        let grouped = try ["711725", "1234567", "94287082", "123456789", "1234567890"].map {
            try groupCode(code: $0)
        }
        XCTAssertEqual(grouped, ["711 725", "123 4567", "9428 7082", "123 456 789", "123 456 7890"])
        XCTAssertThrowsOtpError(try groupCode(code: "12345")) {
            if case .MalformedCode = $0 { return true } else { return false }
        }
    }

    func testDisplayCountsDownThroughAStep() throws {
        let totp = try Totp.withConfig(
            secret: try Secret.fromBytes(bytes: seed),
            config: TotpConfig(algorithm: .sha1, digits: 8, period: 30, t0: 0))
        let shown = try totp.displayAt(at: 59)  // RFC 6238 Appendix B
        XCTAssertEqual(shown.code, "94287082")
        XCTAssertEqual(shown.grouped, "9428 7082")
        XCTAssertEqual(shown.window, StepWindow(step: 1, validFrom: 30, validUntil: 60, remaining: 1))
        for at in t...(t + 30) {
            XCTAssertEqual(try totp.stepWindow(at: at).remaining, 30 - at % 30)
            XCTAssertEqual(try totp.displayAt(at: at).code, try totp.generateAt(at: at))
            XCTAssertEqual(
                try Steam(secret: try Secret.fromBytes(bytes: seed)).stepWindow(at: at),
                try totp.stepWindow(at: at))
        }
        let late = try Totp.withConfig(
            secret: try Secret.fromBytes(bytes: seed),
            config: TotpConfig(algorithm: .sha1, digits: 6, period: 30, t0: 100))
        XCTAssertThrowsOtpError(try late.stepWindow(at: 99)) {
            if case .BeforeT0 = $0 { return true } else { return false }
        }
    }

    private func accounts() throws -> [KeyUri] {
        var out = try (0..<8).map { i in
            try KeyUri.totp(
                secret: try Secret.fromBytes(bytes: Data(repeating: UInt8(i), count: 20)),
                issuer: "Acme", account: "user\(i)@example.com")
        }
        out.append(
            try KeyUri.totp(
                secret: try Secret.fromBytesWithPolicy(bytes: Data(0..<10), policy: .legacy),
                issuer: "GitHub", account: "octocat"))
        out.append(
            try KeyUri.hotp(secret: try Secret.fromBytes(bytes: seed), issuer: "Bank", account: "carol", counter: 1 << 40))
        return out
    }

    func testExportImportsBack() throws {
        let batches = try exportMigration(accounts: try accounts(), batchSize: 4)
        XCTAssertEqual(batches.map { $0.batchIndex() }, [0, 1, 2])
        XCTAssertEqual(Set(batches.map { $0.batchId() }).count, 1)
        var imported: [KeyUri] = []
        for batch in batches {
            XCTAssertEqual(batch.batchSize(), 3)
            XCTAssertTrue(batch.uri().hasPrefix("otpauth-migration://offline?data="))
            XCTAssertTrue(try batch.qrSvg().contains("<svg"))
            imported += try importMigration(uri: batch.uri()).accounts
        }
        XCTAssertEqual(imported, try accounts())
        XCTAssertEqual(try exportMigration(accounts: try accounts()).count, 1)  // ten per QR code
        let seven = try KeyUri.totp(secret: try Secret.fromBytes(bytes: seed), issuer: "Acme", account: "bob")
            .withDigits(digits: 7)
        XCTAssertThrowsOtpError(try exportMigration(accounts: [try accounts()[0], seven])) {
            guard case .InvalidExport(let message) = $0 else { return false }
            return message.contains("account #1") && !message.contains("bob")
        }
    }

    func testTotpResyncRecentresTheDrift() throws {
        let totp = Totp(secret: try Secret.fromBytes(bytes: seed))
        let verifier = try StatefulVerifier(config: VerifierConfig(totpResyncWindow: 10))
        func device(_ skew: Int64, at: UInt64? = nil) throws -> String {
            try totp.generateAt(at: UInt64(Int64(at ?? t) + 30 * skew))
        }
        let mismatch = VerifyOutcome.rejected(reason: .mismatch)
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "phone", totp: totp, code: try device(5), at: t), mismatch)
        XCTAssertEqual(
            try verifier.resyncTotp(credentialId: "phone", totp: totp, first: try device(3), second: try device(5), at: t),
            mismatch)
        XCTAssertEqual(try verifier.state(credentialId: "phone").failures, 2)
        XCTAssertEqual(
            try verifier.resyncTotp(credentialId: "phone", totp: totp, first: try device(4), second: try device(5), at: t),
            .accepted(step: t / 30 + 5, offset: 5))
        XCTAssertEqual(try verifier.state(credentialId: "phone").drift, 5)
        XCTAssertEqual(
            try verifier.resyncTotp(credentialId: "phone", totp: totp, first: try device(4), second: try device(5), at: t),
            .replayed)
        XCTAssertEqual(
            try verifier.verifyTotp(credentialId: "phone", totp: totp, code: try device(5, at: t + 30), at: t + 30),
            .accepted(step: (t + 30) / 30 + 5, offset: 5))
        XCTAssertEqual(
            try verifier.resyncTotp(credentialId: "far", totp: totp, first: try device(-13), second: try device(-12), at: t),
            mismatch)
        XCTAssertThrowsOtpError(try StatefulVerifier(config: VerifierConfig(totpResyncWindow: 501))) {
            if case .InvalidConfig = $0 { return true } else { return false }
        }
    }

    func testAppExample() throws {
        // --- app example (bindings/README.md, "Showing codes, exporting, resynchronising")
        // An authenticator's screen: the code as apps show it, and the seconds left.
        let totp = Totp(secret: try Secret.fromBytes(bytes: Data("12345678901234567890".utf8)))
        let shown = try totp.displayAt(at: 1_700_000_000)
        let label = "\(shown.grouped)  \(shown.window.remaining) s"  // "ddd ddd  10 s"

        // Moving to Google Authenticator: one QR code per ten accounts, as the app makes them.
        let accounts = try (0..<12).map {
            try KeyUri.totp(secret: try Secret.generate(algorithm: .sha1), issuer: "ACME Co", account: "user\($0)@example.com")
        }
        let batches = try exportMigration(accounts: accounts)
        let pictures = try batches.map { try $0.qrSvg() }  // show them one after another
        XCTAssertEqual(try batches.flatMap { try importMigration(uri: $0.uri()).accounts }, accounts)

        // A phone whose clock runs 4 minutes fast: two consecutive codes re-centre the drift.
        let verifier = try StatefulVerifier(config: VerifierConfig(totpResyncWindow: 10))
        let now: UInt64 = 1_700_000_000
        let outcome = try verifier.resyncTotp(
            credentialId: "alice:totp", totp: totp,
            first: try totp.generateAt(at: now + 210), second: try totp.generateAt(at: now + 240), at: now)
        XCTAssertEqual(outcome, .accepted(step: now / 30 + 8, offset: 8))
        // --- end app example ---
        XCTAssertEqual(label.count, "ddd ddd  10 s".count)
        XCTAssertEqual(pictures.count, 2)
    }
}
