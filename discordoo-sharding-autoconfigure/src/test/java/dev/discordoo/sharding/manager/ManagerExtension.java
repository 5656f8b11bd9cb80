package dev.discordoo.sharding.manager;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a test's manager and closes it after the test, pass or fail, with every instance
 * it started.
 */
final class ManagerExtension implements AfterEachCallback {

	private ManagerTestSupport support;

	/**
	 * Start a manager of the test bot with these properties over the test defaults.
	 */
	ManagerTestSupport start(Map<String, Object> properties) {
		this.support = new ManagerTestSupport(properties);
		return this.support;
	}

	/**
	 * Start a manager of the test bot whose instance launcher is wrapped.
	 */
	ManagerTestSupport start(Map<String, Object> properties, UnaryOperator<InstanceLauncher> launchers) {
		this.support = new ManagerTestSupport(properties, launchers);
		return this.support;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.support != null) {
			this.support.close();
			this.support = null;
		}
	}

}
