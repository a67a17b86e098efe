import Foundation

extension Service {
    /// `<executable> reset-view`: empties the view tables and this service's inbox in one
    /// transaction, so that reading its topics from the earliest offset rebuilds the view.
    /// Run it while the service is stopped (init refused otherwise), then reset the group's
    /// offsets and start it.
    func resetView() -> Never {
        let tables = manifest.views
        guard !tables.isEmpty else {
            database.close()
            fatalStartupError(ConfigurationError(description: "\(name) keeps no view that can be rebuilt from events; nothing changed"))
        }
        do {
            try migrate()
            let cleared = try clearViews()
            database.close()
            print("""
                \(name): cleared \(cleared.joined(separator: ", ")) in \(configuration.databaseDescription).
                Next, with the service stopped: eventctl reset-offsets --group \(topic) --all-topics --to-earliest --execute
                (from a clone: scripts/eventctl ...),
                then start \(name): it rebuilds the view from the log.
                """)
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("error: \(name) reset-view failed: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Empties the view tables and this service's inbox in one transaction; says what it removed.
    @discardableResult
    package func clearViews() throws -> [String] {
        try database.write { c in
            var cleared = try manifest.views.map { table in "\(table): \(try c.execute("DELETE FROM \(table)")) rows" }
            cleared.append("inbox: \(try c.execute("DELETE FROM inbox WHERE consumer_group = ?", .text(topic))) events")
            return cleared
        }
    }
}
