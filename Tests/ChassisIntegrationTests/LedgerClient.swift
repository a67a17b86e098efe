import Foundation
import TestSupport

/// Reads the demo ledger's effects: one row per event its policy processed.
struct Effect: Decodable, Hashable {
    let eventId: String
    let entryId: Int
    let instance: String
}

private struct EffectList: Decodable {
    struct Embedded: Decodable { let effects: [Effect] }
    let _embedded: Embedded
}

extension ServiceProcess {
    func effects() throws -> [Effect] { try getJSON("/effects", as: EffectList.self)._embedded.effects }

    /// Posts an entry; returns its id. Fails on anything but 201.
    @discardableResult
    func recordEntry(account: String, amount: Int) throws -> Int {
        let response = try send("POST", "/entries", json: ["account": account, "amount": amount])
        guard response.status == 201,
              let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let id = object["id"] as? Int else {
            throw TestSupportError("POST /entries answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return id
    }
}

/// Every event id appears at most once: no duplicate effect.
func duplicates(_ effects: [Effect]) -> [String] {
    Dictionary(grouping: effects, by: \.eventId).filter { $0.value.count > 1 }.map(\.key)
}
