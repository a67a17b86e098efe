#include <librdkafka/rdkafka.h>
/* The mock cluster: an in-process fake broker with fault injection, for tests. */
#include <librdkafka/rdkafka_mock.h>

/* Bookworm's librdkafka 2.0.2 cannot read a KRaft broker's ApiVersions reply. */
#if RD_KAFKA_VERSION < 0x020200ff
#error "librdkafka >= 2.2 is required (found an older rdkafka.h): run scripts/setup"
#endif
