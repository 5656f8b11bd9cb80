package dev.discordoo.sharding.cds;

import org.springframework.aot.AotDetector;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring application run from a jar by {@link ClassDataCacheTests}: it prints whether it
 * ran with its AOT-generated code and whether it has the bean that {@code probe.feature}
 * turns on (from the {@code PROBE_FEATURE} variable), so that a test sees which context a
 * child really got.
 */
@Configuration(proxyBeanMethods = false)
public class SpringAotProbeApplication {

	@Bean
	@ConditionalOnProperty("probe.feature")
	Feature feature() {
		return new Feature();
	}

	public static void main(String[] args) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringAotProbeApplication.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			System.out.println("probe aot=" + AotDetector.useGeneratedArtifacts() + " feature="
					+ context.containsBean("feature"));
		}
	}

	static class Feature {

	}

}
