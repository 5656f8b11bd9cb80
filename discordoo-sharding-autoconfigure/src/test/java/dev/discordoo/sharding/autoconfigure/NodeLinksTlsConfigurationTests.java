package dev.discordoo.sharding.autoconfigure;

import java.security.KeyStore;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

import dev.discordoo.sharding.ipc.IpcTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How {@code discordoo.sharding.cluster.link.ssl.*} becomes the node links' TLS, and the
 * start-up errors that name the property when the bundle cannot serve both ends of a link.
 */
class NodeLinksTlsConfigurationTests {

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	private static KeyStore emptyStore() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		return store;
	}

	@Test
	void noBundleNamedMeansPlainLinks() {
		assertThat(ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl(null, true), this.bundles)).isNull();
	}

	@Test
	void aBundleNamedWithoutAnySslBundlesFailsNamingTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl("nodes", true), null))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY))
			.withMessageContaining("no SSL bundles");
	}

	@Test
	void anUnknownBundleFailsNamingTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl("nodes", true), this.bundles))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY))
			.withMessageContaining("nodes");
	}

	@Test
	void aBundleWithoutATrustStoreIsRefused() throws Exception {
		this.bundles.registerBundle("nodes", SslBundle.of(SslStoreBundle.of(emptyStore(), "secret", null)));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl("nodes", true), this.bundles))
			.withMessageContaining("no trust store");
	}

	@Test
	void aBundleWithoutAKeyStoreIsRefused() throws Exception {
		this.bundles.registerBundle("nodes", SslBundle.of(SslStoreBundle.of(null, null, emptyStore())));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl("nodes", true), this.bundles))
			.withMessageContaining("no key store");
	}

	@Test
	void theBundlesOptionsAndHostNameVerificationAreKept() throws Exception {
		this.bundles.registerBundle("nodes", SslBundle.of(SslStoreBundle.of(emptyStore(), "secret", emptyStore()), null,
				SslOptions.of(new String[] { "TLS_AES_128_GCM_SHA256" }, new String[] { "TLSv1.3" })));
		IpcTls tls = ClusterAutoConfiguration.linkTls(new ClusterProperties.Ssl("nodes", false), this.bundles);
		assertThat(tls).isNotNull();
		assertThat(tls.protocols()).containsExactly("TLSv1.3");
		assertThat(tls.ciphers()).containsExactly("TLS_AES_128_GCM_SHA256");
		assertThat(tls.verifyHostname()).isFalse();
	}

}
