package dev.discordoo.sharding.bench;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * Counts and sizes, each overridable with a {@code -Dbench.<name>=} system property (for
 * quick trial runs); the defaults are what {@code benchmarks/run} measures.
 */
final class Config {

	int integer(String name, int defaultValue) {
		return Integer.getInteger("bench." + name, defaultValue);
	}

	/** A duration as Spring Boot reads one ({@code 1s}, {@code 500ms}, {@code PT1S}). */
	Duration duration(String name, Duration defaultValue) {
		String value = System.getProperty("bench." + name);
		return (value != null) ? DurationStyle.detectAndParse(value) : defaultValue;
	}

}
