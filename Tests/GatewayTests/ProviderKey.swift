import CCrypto
import Foundation

/// An identity provider's private key for the tests, signing RS256 or ES256 tokens and giving its
/// public half as a JSON Web Key (RFC 7517). Made once with `openssl genpkey`; test keys only.
final class ProviderKey: @unchecked Sendable {
    let id: String
    let algorithm: String
    private let key: OpaquePointer

    init(pem: String, id: String) {
        // The BIO reads the text in place, so only while it lives.
        key = pem.withCString { text in
            let bio = BIO_new_mem_buf(text, -1)!
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)!
        }
        self.id = id
        algorithm = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? "ES256" : "RS256"
    }

    deinit { EVP_PKEY_free(key) }

    /// `{"kty":…,"kid":…,…}` with the public parameters, base64url.
    var jwk: String {
        func parameter(_ name: String, size: Int32? = nil) -> String {
            var number: OpaquePointer?
            precondition(EVP_PKEY_get_bn_param(key, name, &number) == 1)
            defer { BN_free(number) }
            let length = size ?? (BN_num_bits(number) + 7) / 8
            var bytes = [UInt8](repeating: 0, count: Int(length))
            _ = BN_bn2binpad(number, &bytes, length)
            return Self.base64URL(bytes)
        }
        return algorithm == "ES256"
            ? #"{"kty":"EC","kid":"\#(id)","crv":"P-256","x":"\#(parameter("qx", size: 32))","y":"\#(parameter("qy", size: 32))"}"#
            : #"{"kty":"RSA","kid":"\#(id)","use":"sig","n":"\#(parameter("n"))","e":"\#(parameter("e"))"}"#
    }

    /// A token over `claims` with this key's algorithm and `kid` (unless `header` says otherwise).
    func token(_ claims: String, header: String? = nil) -> String {
        let input = Self.base64URL(Array((header ?? #"{"alg":"\#(algorithm)","kid":"\#(id)"}"#).utf8)) + "."
            + Self.base64URL(Array(claims.utf8))
        return input + "." + Self.base64URL(signature(of: Array(input.utf8)))
    }

    private func signature(of data: [UInt8]) -> [UInt8] {
        let context = EVP_MD_CTX_new()!
        defer { EVP_MD_CTX_free(context) }
        precondition(EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1)
        var length = 0
        precondition(EVP_DigestSign(context, nil, &length, data, data.count) == 1)
        var signature = [UInt8](repeating: 0, count: length)
        precondition(EVP_DigestSign(context, &signature, &length, data, data.count) == 1)
        signature.removeLast(signature.count - length)
        guard algorithm == "ES256" else { return signature }
        // libcrypto gives ECDSA's r and s in DER; JWS wants them as 32 bytes each.
        let decoded = signature.withUnsafeBufferPointer { buffer -> OpaquePointer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)!
        }
        defer { ECDSA_SIG_free(decoded) }
        var raw = [UInt8](repeating: 0, count: 64)
        raw.withUnsafeMutableBufferPointer { buffer in
            _ = BN_bn2binpad(ECDSA_SIG_get0_r(decoded), buffer.baseAddress, 32)
            _ = BN_bn2binpad(ECDSA_SIG_get0_s(decoded), buffer.baseAddress! + 32, 32)
        }
        return raw
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func keySet(_ keys: [ProviderKey]) -> String { #"{"keys":[\#(keys.map(\.jwk).joined(separator: ","))]}"# }

    static let rsa = ProviderKey(pem: """
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC+230+6UOhQNNA
jrYxYGTj9Cll9wp5esQUcecWZ02QRCDBS9TFGs/AOd31qAHGhlTEcELvEQdjLHEr
Nay7/wwVZUPFyGSKU+mOZ+unCQEScaNaqHILjg5Ru9rw57rXRo4FzFRmJ2HMeKgn
Olqcorv5jU1EL2TtDdlaFLShZ2EdPQtfTyZx3YcYpdRcNMXtpucg8XnLa2R3GdjG
w2bb0KcKPpryTMU90Ll8soDVU4D1sVDpdVdIaViQG7H9lAcOrfkp43Vzr4RrDLT1
IZX9AVpo7zZIX3mh1fJSzd/klovfNCHpsfKibG8qpe1mpYdLuitsDoaR3jH0WNIF
GU2Ro0E1AgMBAAECggEAGRqdOYRspx3z+4KZ/9omQx6XQGhzagGmH2tRAk8hsmdn
qI0tJiTt7SKfaaPI4gBCz5jVkQT8JAUROKYFe6/jOsA4XyBJ6zD44EiWhEDIsZCd
dDwCTjdH9mO/e177ojvPS/9xnYMyF7dKJOjFyOMV1xAJOP4D6DNhYrok/TLwIOxv
he1oLpWrOESRUNN+AXuKpJtmUi8jLZfRxB66F/YHO0B/EVmO7AoLl1fpHcnzJau/
nX5rvgbiBo8Yr6huniC7uLOavl7pECfL7f0fAK3zPjQNzsXl+2U0BeDoJiTuiBQb
0bT8Gzo+6L2ZWzYOKTaSu0maIw1akxeC6NuHA4qNYQKBgQDv1syp19M7vrhZkmTS
ONe1UpNssjNPm0F2OJKBrjyBcVNkQTBSEtz8XAOstczkjk9mXwODMW1ow1qsz1ki
f9+m0LVTRzSSGicPNhMOkLqr+4QeMFCNgJcNhN913prILGH1FCDSLxIxGD7xhi9+
5SjYBivyrNT1aRvWchd7ONqx1QKBgQDLt8KyafMTohlTVp0qswxh7xfAefemPlg1
D4YdAt6734/7FgjN59gYDMcyVSSJbG0+pPakwsueB4leA12X9XADpuGp/RfikSMP
M33lGi3AqiBHQFgiT8qBE+aWidaIjFYWTJ9lAEG7BGRphKsuKRY9F4StKaUhPRgV
YLspBj6h4QKBgCrceDbiGx3SN5/KSbpH7kS5PR9vuTvAwzIdahFC0g1P81c3Tytb
s6Jlz0JOOw+dXxMsZ7RKYQMX5lx7sbI4p/9nzP/U+dAiXFibkUxJERMrH7FFcR/Y
myYPWN/3qDGdvOPPdQ4a22Vqr9T55gMHcQUqFTCJMoWpAxCP0yJyRqMBAoGAAeFv
ZbA+szay3ycUilleyuSnJnq5w4odzFeZWFk3byqQLLQ2Xpg+UXKEwD0y+iXLGGHz
eO/na00MgparXYTBhPccbDJO7yOB3FkQV3YXaAjqBV5dsetkpi5l2YvqNBZ/kPMi
IY+QC8btml/EKMfuUaAO9H5G7PigaUocUDOjjmECgYEArC1f3jr9gDwr4FOm2cfF
+SHQJAKqzE7kRG0jKoaKVn+OBlWTrcT1nHdL3U7FO/pTU/d+kngADf1vSxuMU0J/
eMSFU1aQ+IacWXR4whAwB/WF9DAZnh/gjdoACTkycerzCOofkiuSWksI0xio7MDl
OYQM19yocZxFzw3it6jv3fo=
-----END PRIVATE KEY-----
""", id: "rsa-1")

    static let otherRSA = ProviderKey(pem: """
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDaHipzMXpnpCOU
ForfBeXSvsfxpW8l4xw03tMRk9VNdO4WeXflDHAdleK7suikFD9Swfyp/g+iKvH8
4cnJyyxhoKlFq0VzytxqENhvFHWZdPXXg5+CtAs7ud7D391op79YMJHkZKHyT0/7
muEr5zgNeUGJnt7hkeH3oFhthRZ2n1xU5cX8sa9ZBHq8cI8jPHNbLaXyw8TM07Y9
i22FakbHyOutWM2TSHBxL4dUhr0oPERPbQOaYfUnGQPq5wImV4wW7NTLo3z36HW9
5cwKOs75eWDSORj7kl31+11UYrm88ZTlm+rbkHlaf/L0q/ANpHXwKOerMWf559iN
6l+z9FlPAgMBAAECggEAaR1ziLs2Cb99E+9/MnbVqKgflJGNDJ20KLif0I9FkwQA
f50/Tged+mwS7jEM05IcaEYrfUL+hsEaiKvJgvHirBPwr64YFPMVIRqIK5QZDoDi
v19j3mnlJf3v4MbAnaCF4rrZfE+RCkT1v0QHMxDFnxyqHGgPcnbLBvrj0rf6OOS0
7lYBb9TUVUunJ2vIvbZnO3G91aGjROd/s0cNb3Sz3bk9mAeG7ekgdw2jqAGBwbv7
42VkTmeN3yv5uz2/lEs8JG0PzLPdL0frfBOra0bXZmu4KGQnpiNBDRNsXYflFgTC
Ppmc6wlC+uwO/t2fsptZ/rnFCv+5TgJ/CtxxzmIEaQKBgQD3HGmQPraze5bCRDy9
qCK+gn/8KfBHwOIxz065r7B6yxX3dq+uDl0HUe/ZJ9ip2DV4jm0BTVhsAv0RKns5
QcbvHdsL/vlZGXmloJ8P2Qa+v6gXW4yHc3Mh5Vt7nSQMoLY8LLjkd0XSqWmop0xj
2uuIGdJH46JG0niOniJC9Kz4yQKBgQDh9sMkmrcccrMWfRlATq9nPMw16MhDXhpG
Y45bBNBERwBTk5nyJztR13QVs2mMp20aPpWYJRYc+r1tQJj1SEGEJPzKD9E85sr3
XHg2C/C2nxpVRLFsYLfJY8VcrCqjcwCfyMVMQ5WfcJyQAphRa1OkVPj0b2rxsL5U
Q6MhLaDlVwKBgQD2lUaNptb/cSM2RYtrIb1R57047syTfVj5pUmEp1lunvsTjj6u
bCzOoie5xTZB/bsVyuHhO8IxPiYzm/WMZCPT9jHf3ZYKIA6whQBUexds/qkIbdVk
UIMh3tIUHvGbHD/c+i+h45csKNuDbTYgKpN/o2yfSfpju6CLiCbeM3PraQKBgEia
IY8kSstQKyyBm1hnL8Jq7W4w0g+bL7QIDtg9zrDxYzB3T1JXup6MLFdAoxw3Oz3g
d+4/lEBRbAWraLn+slZEEBjYRjFcMkCSLGmpInl621okTSF2XfbOIL6q7rQ/oia0
unfLi0qEQzmeK9SVOHWne6oGFoV7dVvbs5FYeMbXAoGAFkgsHJHn5NSeWwbmiFaJ
uJ19QnXHfVRWR8aCPwnK8GwiPwA4Y19SU4vE+A99xexH2xwRBwwkXIWloUNvoCpU
EDk5/HrIC0ARUvOqsFOPEDBKGimN48+z6fMPOD9GSnGYsmvQYO9Tr29reQ/R4vQv
l4YFZsEVJINPv4IOKeLLbvw=
-----END PRIVATE KEY-----
""", id: "rsa-2")

    static let ec = ProviderKey(pem: """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgzv7svUacR4dFhnJF
Rzlji3lutvzoUsfCGJ4/gzEx8U6hRANCAAQnMHzr56ez9p+qKyZ4bdVBd3xhdwAH
ipOji4SCpVjwICWG3ay3XpgDzrnB/k5ShUylTXmFaoD+bcaRYU2ayIGp
-----END PRIVATE KEY-----
""", id: "ec-1")

    static let shortRSA = ProviderKey(pem: """
-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBALDCSr6XipSwMOWo
M31vNhAj7yc2LDbNOjwBe4KGzlqS65GOdgR38150bw1vUU7HS1b3owoggDvfc+Ot
4pCKxp6RB+tq01/23CWVz1cvqIlt73ueaJ4PsEjgIoCLCV26celVJLkfcBxj3A/j
GaMj4x7OdVvGZehyMKwJj4yc7lPFAgMBAAECgYEAkH8UaUAq6qgqIOPiy8zJLmKh
07VGabpVu84ecLLRKFvotUH3mmmQiwu16Q6yMitbnImuP84X5loiO+LfTvgTqxrr
CIOb1hyqYEvCZDv0nRBpLhqgiWD4DcQnGscUrgPSiLS6Go0UEF8FI212sZgR24In
cSwytZmdqtzQK5yb+rUCQQDVDwfbtvsGQqng6izVIrW67rqPSBp10MahFH0LR1mQ
LnHBOwlqkxp38/soEFpBzvr8iJ+oXou3Z1TWXKmwK6rjAkEA1GJXF3Wbfel9+I2l
LyVI/QrTDiYvmZ4lotserDG/eBrgleRY/PhtpOmG1HTdOSly1ungNbrcoU/UaNch
bAJ/NwJBAJWyhOP0cfWZG0EjaDKsu6FHIR+RGr5S3WzKN32YOS6b42NQNrKB/yPu
8jXZH4GDi0eqOvuSynoniS1AWB2m4N8CQQCUzv6UulujYllYMO7fVLGKUu5ESK8r
ZGqcbAlWv1iXr8VSYPeU7//q/5DwBZ4Hcio7uQzWuMHj6Mo8Vxfc1PcLAkBlLQGK
e1cl25q6KO3ikXB+8mVGAw+DxHub/s1mLzoRxFZmF+3PSAJwckSQKY08axLzE4Ai
v9/z54f+dSvzePA+
-----END PRIVATE KEY-----
""", id: "rsa-short")
}
