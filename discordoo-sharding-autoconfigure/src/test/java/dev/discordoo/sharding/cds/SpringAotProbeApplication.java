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
 * child really got. With {@code PROBE_REFUSE_AOT} its context fails to start with its
 * AOT-generated code only.
 */
@Configuration(proxyBeanMethods = false)
public class SpringAotProbeApplication {

	@Bean
	@ConditionalOnProperty("probe.feature")
	Feature feature() {
		return new Feature();
	}

	/** A bean that cannot be made from generated code: its context starts only without it. */
	@Bean
	@ConditionalOnProperty("probe.refuse-aot")
	Feature refusesAot() {
		if (AotDetector.useGeneratedArtifacts()) {
			throw new IllegalStateException("this bean refuses to start from AOT-generated code");
		}
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
