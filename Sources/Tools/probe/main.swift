import Foundation
import HTTP

// probe URL: exits 0 when `GET URL` answers 2xx within 2 seconds, 1 otherwise. The image's
// health check (docker-compose runs it in the container), so the image needs no curl.
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let url = arguments.first, url.hasPrefix("http://") else {
    FileHandle.standardError.write(Data("usage: probe http://HOST:PORT/PATH\n".utf8))
    exit(2)
}
do {
    let status = try HTTPClient().send(method: "GET", url: url, timeout: .seconds(2)).status
    guard (200..<300).contains(status) else {
        FileHandle.standardError.write(Data("probe: \(url) answered \(status)\n".utf8))
        exit(1)
    }
} catch {
    FileHandle.standardError.write(Data("probe: \(url): \(error)\n".utf8))
    exit(1)
}
