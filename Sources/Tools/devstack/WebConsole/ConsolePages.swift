import Chassis
import Foundation
import Kafka

/// The console's two pages, plain HTML and CSS with one small script, nothing fetched from
/// elsewhere: the live system (map, feed, consumer groups), and one saga, written out on the
/// server so that it reads without the script.
enum ConsolePages {
    static func live(_ system: SystemManifest) -> String {
        page(title: "\(system.name) — live", body: """
            <header><h1>\(html(system.name))</h1><span id="broker" class="status">connecting…</span>
            <form action="/saga" class="saga-form"><input name="id" placeholder="correlation id" required><button>Saga</button></form></header>
            <section><h2>Map</h2><p class="hint">Boxes are bounded contexts (ready, outbox backlog, consumer lag, events/s);
            solid arrows are topics, from the publisher to each consumer group; dashed ones are sync calls, by breaker state.</p>
            <svg id="map" viewBox="0 0 1000 460" role="img" aria-label="system map"></svg></section>
            <section><h2>Events</h2>
            <div class="filters"><input id="type" placeholder="filter by type"><input id="saga" placeholder="filter by correlation id"></div>
            <table><thead><tr><th>time</th><th>type</th><th>aggregate</th><th>correlation id</th><th>source</th><th>topic</th></tr></thead>
            <tbody id="events"></tbody></table></section>
            <section><h2>Consumer groups</h2><table><thead><tr><th>group</th><th>state</th><th>topic</th><th>partition</th>
            <th>committed</th><th>end</th><th>lag</th></tr></thead><tbody id="groups"></tbody></table></section>
            <script>\(script)</script>
            """)
    }

    static func saga(_ system: SystemManifest, id: String?, answer: Result<SagaTimeline.Answer, any Error>?) -> String {
        var body = """
            <header><h1><a href="/">\(html(system.name))</a> — saga</h1>
            <form action="/saga" class="saga-form"><input name="id" value="\(html(id ?? ""))" placeholder="correlation id" required>
            <button>Saga</button></form></header>
            """
        switch answer {
        case nil:
            body += #"<p class="message">Give a correlation id: a saga's events all carry it (a booking's is its id).</p>"#
        case .failure(let error)?:
            body += #"<p class="message error" id="problem">Cannot read the saga: \#(html("\(error)"))</p>"#
        case .success(let answer)? where answer.entries.isEmpty:
            body += #"<p class="message error" id="problem">No event with correlation id “\#(html(id ?? ""))” in the \#(answer.topics.count) topics of \#(html(system.name)).</p>"#
        case .success(let answer)?:
            body += """
                <p class="message">\(answer.entries.count) events of saga “\(html(id ?? ""))” across \(Set(answer.entries.map(\.record.topic)).count) topics,
                in time order; a group is ✓ once it has committed past the event (with when its service processed it), ✗ when it
                dead-lettered it.</p>
                <ol class="timeline" id="timeline">
                """
            for entry in answer.entries {
                let consumers = entry.consumers.map { consumer in
                    let at = consumer.processedAt.map { " <time>\(html($0))</time>" } ?? ""
                    return "<span class=\"\(consumer.status.rawValue)\">\(html(consumer.group)) \(consumer.status.mark)\(at)</span>"
                }
                body += """
                    <li class="\(entry.deadLetter == nil ? "event" : "event dead")"><time>\(html(entry.time))</time>
                    <b class="type">\(html(entry.type))</b> <span class="subject">aggregate \(html(entry.subject))</span>
                    <span class="where">from \(html(entry.source)) on \(html(entry.record.topic))[\(entry.record.partition)]@\(entry.record.offset)</span>
                    \(entry.deadLetter.map { "<div class=\"dead-letter\">dead letter: \(html($0))</div>" } ?? "")
                    <div class="consumers">\(consumers.joined(separator: " "))</div></li>
                    """
            }
            body += "</ol>"
        }
        return page(title: "\(system.name) — saga \(id ?? "")", body: body)
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(html(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"><style>\(style)</style></head>
        <body>\(body)</body></html>
        """
    }

    private static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 24px; color: #1d2733; background: #f6f7f9; }
        header { display: flex; gap: 16px; align-items: center; border-bottom: 1px solid #d5dae1; padding: 8px 0; }
        h1 { font-size: 20px; margin: 0; } h1 a { color: inherit; } h2 { font-size: 16px; margin: 20px 0 6px; }
        .status { padding: 2px 8px; border-radius: 10px; background: #dfe6ee; } .status.ok { background: #cdebd3; } .status.bad { background: #f6cccc; }
        .saga-form { margin-left: auto; } input { padding: 4px 6px; } .hint { color: #5b6775; margin: 0 0 6px; }
        svg { width: 100%; max-width: 1000px; background: #fff; border: 1px solid #d5dae1; border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; background: #fff; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eceff3; }
        tr.dead td, li.dead { background: #fde8e8; } .filters { display: flex; gap: 8px; margin-bottom: 6px; }
        .message { padding: 8px 12px; background: #fff; border-left: 4px solid #7a8ba0; } .message.error { border-color: #c62828; }
        .timeline { list-style: none; padding: 0; } .timeline li { background: #fff; margin: 6px 0; padding: 6px 10px; border-left: 4px solid #3b7dd8; }
        .timeline li.dead { border-color: #c62828; } .timeline time { color: #5b6775; margin-right: 8px; } .dead-letter { color: #c62828; }
        .where, .subject { color: #5b6775; margin-left: 8px; } .consumers span { margin-right: 10px; } .committed { color: #2e7d32; } .pending { color: #b26a00; } .dead-lettered { color: #c62828; }
        """

    /// Draws the map, the feed and the groups from `/api/stream`: Server-Sent Events, each
    /// answer what is new since `Last-Event-ID`, the browser asking again a second later.
    private static let script = #"""
        const NS = "http://www.w3.org/2000/svg";
        let events = [];
        const el = (name, attrs, text) => { const n = document.createElementNS(NS, name);
          for (const k in attrs) n.setAttribute(k, attrs[k]); if (text !== undefined) n.textContent = text; return n; };
        const cell = (row, text, link) => { const td = row.insertCell(); if (link) { const a = document.createElement("a");
          a.href = link; a.textContent = text; td.appendChild(a); } else td.textContent = text; };
        const fmt = v => v === null || v === undefined ? "–" : (Math.round(v * 10) / 10).toString();
        function drawMap(state) {
          const svg = document.getElementById("map"); svg.replaceChildren();
          const defs = el("defs", {}); const marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
            markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"}); marker.appendChild(el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#55657a"}));
          defs.appendChild(marker); svg.appendChild(defs);
          const n = state.services.length, place = {};
          state.services.forEach((s, i) => { const a = -Math.PI / 2 + 2 * Math.PI * i / n;
            place[s.context] = {x: 500 + 330 * Math.cos(a), y: 230 + 170 * Math.sin(a)}; });
          const edge = (from, to, cls, label, color, dashed) => { const p = place[from], q = place[to]; if (!p || !q) return;
            const dx = q.x - p.x, dy = q.y - p.y, len = Math.hypot(dx, dy) || 1, ux = dx / len, uy = dy / len;
            const bend = dashed ? -70 : 35, mx = (p.x + q.x) / 2 - uy * bend, my = (p.y + q.y) / 2 + ux * bend;
            const a = {x: p.x + ux * 85, y: p.y + uy * 45}, b = {x: q.x - ux * 85, y: q.y - uy * 45};
            svg.appendChild(el("path", {d: `M${a.x},${a.y} Q${mx},${my} ${b.x},${b.y}`, fill: "none",
              stroke: color, "stroke-width": 1.6, "stroke-dasharray": dashed ? "6 4" : "", "marker-end": "url(#arrow)", class: cls}));
            // On the curve, halfway.
            svg.appendChild(el("text", {x: (a.x + 2 * mx + b.x) / 4, y: (a.y + 2 * my + b.y) / 4 - 3, "font-size": 11, fill: color,
              "text-anchor": "middle", class: cls + "-label"}, label)); };
          for (const g of state.groups) for (const t of g.topics) { const publisher = t.split(".")[1];
            if (!t.includes(".dlq.") && publisher !== g.context) edge(publisher, g.context, "topic", t, "#55657a", false); }
          const breakerColor = {closed: "#2e7d32", open: "#c62828", "half-open": "#b26a00", unknown: "#7a8ba0"};
          for (const s of state.services) for (const c in s.calls) edge(s.context, c, "call", "calls · breaker " + s.calls[c], breakerColor[s.calls[c]], true);
          for (const s of state.services) { const p = place[s.context], g = el("g", {class: "context", "data-context": s.context});
            g.appendChild(el("rect", {x: p.x - 85, y: p.y - 45, width: 170, height: 90, rx: 8, fill: s.ready ? "#eef7ef" : "#fdeaea",
              stroke: s.ready ? "#2e7d32" : "#c62828"}));
            g.appendChild(el("text", {x: p.x, y: p.y - 24, "text-anchor": "middle", "font-weight": "bold"}, s.context));
            g.appendChild(el("text", {x: p.x, y: p.y - 6, "text-anchor": "middle", "font-size": 11}, s.ready ? "ready" : "not ready"));
            g.appendChild(el("text", {x: p.x, y: p.y + 12, "text-anchor": "middle", "font-size": 11}, `backlog ${fmt(s.outboxBacklog)} · lag ${fmt(s.consumerLag)}`));
            g.appendChild(el("text", {x: p.x, y: p.y + 30, "text-anchor": "middle", "font-size": 11}, `${fmt(s.eventsPerSecond)} events/s`));
            if (s.problem) g.appendChild(el("title", {}, s.problem)); svg.appendChild(g); } }
        function drawEvents() {
          const type = document.getElementById("type").value.trim(), saga = document.getElementById("saga").value.trim();
          const body = document.getElementById("events"); body.replaceChildren();
          const newest = events.slice().sort((a, b) => a.time < b.time ? 1 : a.time > b.time ? -1 : b.seq - a.seq);
          for (const e of newest) { if (type && !e.type.includes(type)) continue; if (saga && e.correlationID !== saga) continue;
            const row = body.insertRow(); row.className = e.deadLetter ? "dead" : "event";
            cell(row, e.time); cell(row, e.type + (e.deadLetter ? " (dead letter)" : "")); cell(row, e.subject);
            cell(row, e.correlationID, "/saga?id=" + encodeURIComponent(e.correlationID)); cell(row, e.source); cell(row, `${e.topic}[${e.partition}]@${e.offset}`); } }
        function drawGroups(state) { const body = document.getElementById("groups"); body.replaceChildren();
          for (const g of state.groups) for (const p of g.partitions) { const row = body.insertRow();
            [g.group, g.state, p.topic, p.partition, p.committed ?? "–", p.end, p.lag ?? "–"].forEach(v => cell(row, String(v))); } }
        function showBroker(state) { const b = document.getElementById("broker"), problem = state.broker || state.feed;
          b.textContent = problem ? problem : "broker connected"; b.className = "status " + (problem ? "bad" : "ok"); }
        const stream = new EventSource("/api/stream");
        let heard = Date.now();
        stream.addEventListener("state", m => { heard = Date.now(); const state = JSON.parse(m.data); drawMap(state); drawGroups(state); showBroker(state); });
        // By place in the log: a console restarted sends again what the page has.
        const key = e => `${e.topic}/${e.partition}/${e.offset}`;
        let seen = new Set();
        stream.addEventListener("events", m => { for (const e of JSON.parse(m.data)) if (!seen.has(key(e))) { seen.add(key(e)); events.push(e); }
          if (events.length > 500) { events = events.slice(-500); seen = new Set(events.map(key)); } drawEvents(); });
        setInterval(() => { if (Date.now() - heard < 5000) return; const b = document.getElementById("broker");
          b.textContent = "the console does not answer"; b.className = "status bad"; }, 2000);
        // A link may carry the filters: /?type=BookingPlaced&saga=1.
        const query = new URLSearchParams(location.search);
        for (const id of ["type", "saga"]) { const input = document.getElementById(id);
          input.value = query.get(id) ?? ""; input.addEventListener("input", drawEvents); }
        """#
}
