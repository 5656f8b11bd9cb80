package dev.discordoo.sharding.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceEnvironmentPostProcessor}: what an instance's environment gets.
 */
class InstanceEnvironmentPostProcessorTests {

	@Test
	void anInstanceWithoutAWebServerCreatesNoActuatorEndpoints() {
		StandardEnvironment environment = environment(true, Map.of());
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("none");
		assertThat(environment.getProperty("management.endpoints.access.default")).isEqualTo("none");
	}

	@Test
	void anInstanceConfigurationThatSetsEndpointAccessWins() {
		StandardEnvironment environment = environment(true, Map.of("management.endpoints.access.default", "read-only"));
		assertThat(environment.getProperty("management.endpoints.access.default")).isEqualTo("read-only");
	}

	@Test
	void anInstanceWithAWebServerKeepsItsEndpoints() {
		StandardEnvironment environment = environment(true,
				Map.of("discordoo.sharding.instance.web-application-type", "servlet"));
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("servlet");
		assertThat(environment.containsProperty("management.endpoints.access.default")).isFalse();
	}

	@Test
	void theManagerIsLeftAlone() {
		StandardEnvironment environment = environment(false, Map.of());
		assertThat(environment.containsProperty("spring.main.web-application-type")).isFalse();
		assertThat(environment.containsProperty("management.endpoints.access.default")).isFalse();
	}

	private static StandardEnvironment environment(boolean instance, Map<String, Object> configuration) {
		StandardEnvironment environment = new StandardEnvironment();
		Map<String, Object> properties = new LinkedHashMap<>(configuration);
		if (instance) {
			properties.put(InstanceEnvironment.INSTANCE_ID, "1");
		}
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		new InstanceEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
