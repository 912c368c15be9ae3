// RFC 6238 Appendix B: every TOTP value for SHA-1, SHA-256 and SHA-512, each
// with its own seed (errata 2866), from testdata/rfc6238.json.

import Foundation
import XCTest

@testable import Otpcore

final class Rfc6238Tests: XCTestCase {
    private func totp(_ file: Rfc6238File, _ vector: Rfc6238File.Vector) throws -> Totp {
        try Totp.withConfig(
            secret: try Secret.fromBytes(bytes: bytes(hex: vector.secretHex)),
            config: TotpConfig(
                algorithm: algorithm(named: vector.algorithm), digits: file.digits,
                period: file.period, t0: file.t0))
    }

    func testGeneratesEveryAppendixBValue() throws {
        let file = try Vectors.rfc6238()
        XCTAssertEqual(file.vectors.count, 18)
        for vector in file.vectors {
            let totp = try totp(file, vector)
            XCTAssertEqual(try totp.stepAt(at: vector.time), vector.step, "t=\(vector.time)")
            XCTAssertEqual(
                try totp.generateAt(at: vector.time), vector.code,
                "\(vector.algorithm) t=\(vector.time)")
        }
    }

    func testBase32SeedsMatchTheHexSeeds() throws {
        let file = try Vectors.rfc6238()
        for vector in file.vectors {
            XCTAssertEqual(
                try Secret.fromBase32(text: vector.secretBase32),
                try Secret.fromBytes(bytes: bytes(hex: vector.secretHex)))
        }
    }

    func testVerifiesEveryAppendixBValueAtItsTime() throws {
        let file = try Vectors.rfc6238()
        for vector in file.vectors {
            let match = try totp(file, vector).verifyAt(code: vector.code, at: vector.time)
            XCTAssertEqual(match, Match(step: vector.step, offset: 0))
        }
    }

    func testDefaultConfigIsWhatAuthenticatorAppsUse() throws {
        let totp = Totp(secret: try Secret.fromBase32(text: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        XCTAssertEqual(totp.config(), TotpConfig(algorithm: .sha1, digits: 6, period: 30, t0: 0))
        // The last six digits of the SHA-1 vector at t = 59.
        XCTAssertEqual(try totp.generateAt(at: 59), "287082")
        XCTAssertEqual(try totp.generateNow().count, 6)
    }
}
