package dev.discordoo.sharding.bench;

/**
 * Counts and sizes, each overridable with a {@code -Dbench.<name>=} system property (for
 * quick trial runs); the defaults are what {@code benchmarks/run} measures.
 */
final class Config {

	int integer(String name, int defaultValue) {
		return Integer.getInteger("bench." + name, defaultValue);
	}

}
