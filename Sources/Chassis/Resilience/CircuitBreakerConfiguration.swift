/// Resilience4j's settings for a count-based circuit breaker.
public struct CircuitBreakerConfiguration: Sendable {
    /// How many of the most recent calls the rates are computed over.
    public var slidingWindowSize: Int
    /// No rate is computed before the window holds this many calls, so that one early
    /// failure cannot open the circuit. Capped at `slidingWindowSize`.
    public var minimumNumberOfCalls: Int
    /// Percent of failed calls at or above which the circuit opens.
    public var failureRateThreshold: Double
    /// Percent of slow calls at or above which the circuit opens.
    public var slowCallRateThreshold: Double
    /// A call that takes longer than this is slow, whether it succeeds or fails.
    public var slowCallDurationThreshold: Duration
    /// How long an open circuit rejects calls before letting probes through.
    public var waitDurationInOpenState: Duration
    /// How many probe calls a half-open circuit lets through before deciding.
    public var permittedNumberOfCallsInHalfOpenState: Int

    public init(
        slidingWindowSize: Int = 10,
        minimumNumberOfCalls: Int = 5,
        failureRateThreshold: Double = 50,
        slowCallRateThreshold: Double = 100,
        slowCallDurationThreshold: Duration = .seconds(2),
        waitDurationInOpenState: Duration = .seconds(10),
        permittedNumberOfCallsInHalfOpenState: Int = 3
    ) {
        self.slidingWindowSize = slidingWindowSize
        self.minimumNumberOfCalls = minimumNumberOfCalls
        self.failureRateThreshold = failureRateThreshold
        self.slowCallRateThreshold = slowCallRateThreshold
        self.slowCallDurationThreshold = slowCallDurationThreshold
        self.waitDurationInOpenState = waitDurationInOpenState
        self.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState
    }
}
