package io.lakestream.it;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the shared broker ({@link SharedBroker}) into test methods and constructors. */
final class KafkaBroker implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return SharedBroker.get(context);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the test broker", e);
    }
  }
}
