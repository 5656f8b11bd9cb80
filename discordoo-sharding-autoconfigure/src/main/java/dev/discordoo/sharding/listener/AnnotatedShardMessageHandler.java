package dev.discordoo.sharding.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedObject;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.Order;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.ShardRequestHandler;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ShardMessageHandler} that hands application events to
 * {@link ShardEventListener @ShardEventListener} methods and requests to
 * {@link ShardRequestHandler @ShardRequestHandler} methods of the application's beans.
 *
 * <p>Declared as a bean, it finds the annotated methods of every bean in its own bean
 * factory once the singletons are instantiated, the way Spring finds {@code @EventListener}
 * methods: before the sharding link starts, so no event is missed. A method it cannot
 * call, a request name declared twice, or a listener of an event the protocol reserves
 * fails startup.
 */
public final class AnnotatedShardMessageHandler
		implements ShardMessageHandler, BeanFactoryAware, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(AnnotatedShardMessageHandler.class);

	private static final Set<Class<? extends Annotation>> ANNOTATIONS = Set.of(ShardEventListener.class,
			ShardRequestHandler.class);

	private final ObjectMapper mapper;

	@SuppressWarnings("NullAway.Init") // set by BeanFactoryAware before any use, checked there
	private ConfigurableListableBeanFactory beanFactory;

	private volatile Methods methods = Methods.NONE;

	/**
	 * Create a new instance.
	 * @param mapper binds payloads to parameters and writes request results, normally the
	 * {@link dev.discordoo.sharding.protocol.FrameCodec#mapper() frame codec's}
	 */
	public AnnotatedShardMessageHandler(ObjectMapper mapper) {
		Assert.notNull(mapper, "'mapper' must not be null");
		this.mapper = mapper;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory,
				"AnnotatedShardMessageHandler needs a ConfigurableListableBeanFactory");
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Assert.state(this.beanFactory != null, "AnnotatedShardMessageHandler must be declared as a bean");
		Methods.Builder found = new Methods.Builder();
		for (String beanName : this.beanFactory.getBeanNamesForType(Object.class)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				// found through its scoped proxy, which is the bean to call
				continue;
			}
			Class<?> type = targetType(beanName);
			if (type != null && AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
				register(beanName, type, found);
			}
		}
		this.methods = found.build();
		if (logger.isDebugEnabled()) {
			logger.debug("Found " + found.listenerCount() + " @ShardEventListener and "
					+ this.methods.requestHandlers().size() + " @ShardRequestHandler methods");
		}
	}

	private @Nullable Class<?> targetType(String beanName) {
		try {
			Class<?> type = AutoProxyUtils.determineTargetClass(this.beanFactory, beanName);
			if (type != null && ScopedObject.class.isAssignableFrom(type)) {
				Class<?> target = AutoProxyUtils.determineTargetClass(this.beanFactory,
						ScopedProxyUtils.getTargetBeanName(beanName));
				type = (target != null) ? target : type;
			}
			return (type != null) ? ClassUtils.getUserClass(type) : null;
		}
		catch (RuntimeException ex) {
			// a type that cannot be told without creating the bean (a lazy one, say): skip it,
			// as Spring does for @EventListener
			if (logger.isDebugEnabled()) {
				logger.debug("Could not resolve the type of bean '" + beanName + "'", ex);
			}
			return null;
		}
	}

	private void register(String beanName, Class<?> type, Methods.Builder found) {
		Map<Method, ShardEventListener> listeners = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<ShardEventListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, ShardEventListener.class));
		Map<Method, ShardRequestHandler> handlers = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<ShardRequestHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, ShardRequestHandler.class));
		if (listeners.isEmpty() && handlers.isEmpty()) {
			return;
		}
		Supplier<Object> bean = bean(beanName);
		Class<?> exposedType = this.beanFactory.getType(beanName);
		listeners.forEach((method, listener) -> {
			ShardMethod listenerMethod = shardMethod(ShardEventListener.class, beanName, method, exposedType, bean);
			String event = listener.value();
			if (ControlEvents.isReserved(event)) {
				throw new BeanInitializationException("@ShardEventListener method " + listenerMethod + " listens to '"
						+ event + "', an event the sharding protocol reserves for itself: it never reaches listeners");
			}
			found.listener(event, listenerMethod);
		});
		handlers.forEach((method, handler) -> {
			ShardMethod handlerMethod = shardMethod(ShardRequestHandler.class, beanName, method, exposedType, bean);
			if (!StringUtils.hasText(handler.value())) {
				throw new BeanInitializationException(
						"@ShardRequestHandler method " + handlerMethod + " must name the request it answers");
			}
			found.requestHandler(handler.value(), handlerMethod);
		});
	}

	private Supplier<Object> bean(String beanName) {
		if (this.beanFactory.isSingleton(beanName)) {
			// resolved once: a singleton fetched per call would be recreated while the context closes
			Object singleton = this.beanFactory.getBean(beanName);
			return () -> singleton;
		}
		return () -> this.beanFactory.getBean(beanName);
	}

	private ShardMethod shardMethod(Class<? extends Annotation> annotation, String beanName, Method method,
			@Nullable Class<?> exposedType, Supplier<Object> bean) {
		Method invocable;
		try {
			invocable = (exposedType != null) ? AopUtils.selectInvocableMethod(method, exposedType) : method;
		}
		catch (IllegalStateException ex) {
			throw new BeanInitializationException("@" + annotation.getSimpleName() + " method "
					+ ShardMethod.describe(method) + " on bean '" + beanName + "' cannot be called: " + ex.getMessage(),
					ex);
		}
		Order order = AnnotatedElementUtils.findMergedAnnotation(method, Order.class);
		return ShardMethod.of(annotation, beanName, method, invocable, bean, this.mapper,
				(order != null) ? order.value() : Ordered.LOWEST_PRECEDENCE);
	}

	@Override
	public void onDispatch(String event, @Nullable JsonNode data, ShardEventContext sender) {
		List<ShardMethod> listeners = this.methods.listenersOf(event);
		if (listeners.isEmpty() && logger.isTraceEnabled()) {
			logger.trace("No @ShardEventListener for event '" + event + "' from " + describe(sender));
		}
		for (ShardMethod listener : listeners) {
			Object[] arguments;
			try {
				arguments = listener.arguments(data, sender);
			}
			catch (InvalidPayloadException ex) {
				logger.warn("Skipped @ShardEventListener " + listener + " for event '" + event + "' from "
						+ describe(sender) + ": " + ex.getMessage());
				continue;
			}
			try {
				listener.invoke(arguments);
			}
			catch (Throwable ex) {
				rethrowIfFatal(ex);
				// one broken listener must not cost the others their event, nor the link its handler thread
				logger.error("@ShardEventListener " + listener + " failed on event '" + event + "' from "
						+ describe(sender), ex);
			}
		}
	}

	@Override
	public CompletionStage<JsonNode> onRequest(String name, @Nullable JsonNode payload, ShardEventContext sender) {
		ShardMethod handler = this.methods.requestHandlers().get(name);
		if (handler == null) {
			return CompletableFuture.failedFuture(
					new RequestFailedException(ErrorCode.NO_HANDLER, "no request handler named '" + name + "'"));
		}
		Object[] arguments;
		try {
			arguments = handler.arguments(payload, sender);
		}
		catch (InvalidPayloadException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Refused request '" + name + "' from " + describe(sender) + " for @ShardRequestHandler "
						+ handler + ": " + ex.getMessage());
			}
			return CompletableFuture.failedFuture(new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
					"request '" + name + "': " + ex.getMessage()));
		}
		CompletableFuture<JsonNode> result;
		try {
			result = result(handler.invoke(arguments));
		}
		catch (Throwable ex) {
			rethrowIfFatal(ex);
			result = CompletableFuture.failedFuture(ex);
		}
		result.whenComplete((value, ex) -> {
			if (ex != null) {
				logFailure(name, sender, handler, ex);
			}
		});
		return result;
	}

	private CompletableFuture<JsonNode> result(Object returned) {
		if (returned instanceof CompletionStage<?> stage) {
			CompletableFuture<JsonNode> result = new CompletableFuture<>();
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					result.completeExceptionally(unwrap(ex));
					return;
				}
				try {
					result.complete(toTree(value));
				}
				catch (RuntimeException writeFailure) {
					result.completeExceptionally(writeFailure);
				}
			});
			return result;
		}
		return CompletableFuture.completedFuture(toTree(returned));
	}

	private JsonNode toTree(Object value) {
		if (value == null) {
			return this.mapper.nullNode();
		}
		return (value instanceof JsonNode node) ? node : this.mapper.valueToTree(value);
	}

	private void logFailure(String name, ShardEventContext sender, ShardMethod handler, Throwable ex) {
		Throwable cause = unwrap(ex);
		if (cause instanceof RequestFailedException failed) {
			// a deliberate answer, the requester gets its code and message
			if (logger.isDebugEnabled()) {
				logger.debug("@ShardRequestHandler " + handler + " refused request '" + name + "' from "
						+ describe(sender) + " with " + failed.code() + ": " + failed.getMessage());
			}
			return;
		}
		// the requester only gets the message: keep the stack trace here
		logger.warn("@ShardRequestHandler " + handler + " failed on request '" + name + "' from " + describe(sender),
				cause);
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private static void rethrowIfFatal(Throwable ex) {
		if (ex instanceof VirtualMachineError fatal) {
			throw fatal;
		}
	}

	static String describe(ShardEventContext sender) {
		if (sender == null) {
			return "an unknown sender";
		}
		if (sender.fromManager()) {
			return "the manager (" + sender.senderId() + ")";
		}
		return "instance " + sender.instanceIndex() + " (" + sender.senderId() + ", shards " + sender.shards() + ")";
	}

	/**
	 * The annotated methods found, by event and by request name.
	 */
	private record Methods(Map<String, List<ShardMethod>> listenersByEvent, List<ShardMethod> everyEvent,
			Map<String, ShardMethod> requestHandlers) {

		static final Methods NONE = new Methods(Map.of(), List.of(), Map.of());

		List<ShardMethod> listenersOf(String event) {
			return this.listenersByEvent.getOrDefault(event, this.everyEvent);
		}

		static final class Builder {

			private static final Comparator<ShardMethod> ORDER = Comparator.comparingInt(ShardMethod::order);

			private final Map<String, List<ShardMethod>> listenersByEvent = new LinkedHashMap<>();

			private final List<ShardMethod> everyEvent = new ArrayList<>();

			private final Map<String, ShardMethod> requestHandlers = new LinkedHashMap<>();

			void listener(String event, ShardMethod listener) {
				if (event.isEmpty()) {
					this.everyEvent.add(listener);
				}
				else {
					this.listenersByEvent.computeIfAbsent(event, (key) -> new ArrayList<>()).add(listener);
				}
			}

			int listenerCount() {
				return this.everyEvent.size()
						+ this.listenersByEvent.values().stream().mapToInt(List::size).sum();
			}

			void requestHandler(String name, ShardMethod handler) {
				ShardMethod existing = this.requestHandlers.putIfAbsent(name, handler);
				if (existing != null) {
					throw new BeanInitializationException("@ShardRequestHandler name '" + name
							+ "' is declared twice, by " + existing + " and by " + handler
							+ ": each request name has one handler");
				}
			}

			Methods build() {
				Map<String, List<ShardMethod>> byEvent = new LinkedHashMap<>();
				// an event's listeners include the every-event ones, merged once here, not per event
				this.listenersByEvent.forEach((event, listeners) -> {
					List<ShardMethod> all = new ArrayList<>(listeners);
					all.addAll(this.everyEvent);
					all.sort(ORDER);
					byEvent.put(event, List.copyOf(all));
				});
				List<ShardMethod> every = new ArrayList<>(this.everyEvent);
				every.sort(ORDER);
				return new Methods(Map.copyOf(byEvent), List.copyOf(every), Map.copyOf(this.requestHandlers));
			}

		}

	}

}
