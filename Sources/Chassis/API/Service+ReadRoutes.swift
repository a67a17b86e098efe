import HTTP

extension Service {
    /// The read side of `resource`: `GET /<path>` answers every record in key order under
    /// `_embedded`, `GET /<path>/{id}` one record or a 404 that says "no <noun> <id>"; both with
    /// their HAL links.
    public func readRoutes<Record>(_ resource: Resource<Record>) {
        route("GET", "/\(resource.path)", answers: .collection(resource)) { [database] request in
            resource.collection(try database.read { c in try resource.all(c) }, for: request)
        }
        route("GET", "/\(resource.path)/{id}", answers: .item(resource)) { [database] request in
            let id = try request.id()
            return resource.item(try database.read { c in try resource.find(id, c) }, for: request)
        }
    }
}
