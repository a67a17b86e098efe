#include <librdkafka/rdkafka.h>
/* The mock cluster: an in-process fake broker with fault injection, for tests. */
#include <librdkafka/rdkafka_mock.h>

/* Bookworm's librdkafka 2.0.2 cannot talk to KRaft brokers: scripts/setup builds trixie's 2.8.0,
   with the fixes in scripts/librdkafka. */
#if RD_KAFKA_VERSION < 0x020800ff
#error "librdkafka >= 2.8.0 is required (found an older rdkafka.h): run scripts/setup"
#endif
