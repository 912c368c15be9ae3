import Otpcore
import XCTest

/// The otpcore Swift package used as a dependency: RFC 6238 codes, verify, and a replay
/// refused by the StatefulVerifier.
final class ConsumerTests: XCTestCase {
    // RFC 6238's SHA-1 key, "12345678901234567890", in base32.
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    func testRfc6238AndVerify() throws {
        let totp = Totp(secret: try Secret.fromBase32(text: seed))
        XCTAssertEqual(try totp.generateAt(at: 59), "287082")
        XCTAssertEqual(try totp.generateAt(at: 1_111_111_109), "081804")
        XCTAssertEqual(try totp.verifyAt(code: "287082", at: 89), Match(step: 1, offset: -1))
        XCTAssertThrowsError(try totp.verifyAt(code: "287082", at: 200)) { error in
            guard case .Mismatch = error as? OtpError else { return XCTFail("\(error)") }
        }
    }

    func testStatefulVerifierRefusesAReplay() throws {
        let verifier = try StatefulVerifier()
        let totp = Totp(secret: try Secret.fromBase32(text: seed))
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "alice", totp: totp, code: "287082", at: 59),
                       .accepted(step: 1, offset: 0))
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "alice", totp: totp, code: "287082", at: 60), .replayed)
    }
}
