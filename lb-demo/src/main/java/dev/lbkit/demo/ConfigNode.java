package dev.lbkit.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of the gateway file, with where it is: its field path ({@code routes[1].path.type}) and
 * its line. Every read checks the shape and throws a {@link ConfigException} that names the file,
 * the line, the field, the value and what is allowed.
 *
 * <p>Reads the composed YAML node tree rather than objects built by a constructor, so that no tag
 * in the file can make the parser instantiate anything, and every error can point at a line.
 */
final class ConfigNode {
  private final String file;
  private final String path;
  private final @Nullable Node node;
  private final int line;

  private ConfigNode(String file, String path, @Nullable Node node, int line) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.line = line;
  }

  static ConfigNode root(String file, @Nullable Node node) {
    return new ConfigNode(file, "", node, node == null ? 0 : lineOf(node));
  }

  /**
   * A value given on the command line, as a node whose errors read {@code --listen: "x" (expected:
   * ...)}.
   */
  static ConfigNode argument(String option, String value) {
    return new ConfigNode(
        option, "", new ScalarNode(Tag.STR, value, null, null, DumperOptions.ScalarStyle.PLAIN), 0);
  }

  String file() {
    return file;
  }

  String path() {
    return path;
  }

  int line() {
    return line;
  }

  /** Whether the field is absent or an explicit null ({@code key:} or {@code key: ~}). */
  boolean isMissing() {
    return node == null || node.getTag().equals(Tag.NULL);
  }

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  boolean isSequence() {
    return node instanceof SequenceNode;
  }

  ConfigException error(String template, Object... args) {
    return new ConfigException(file, line, path, String.format(Locale.ROOT, template, args));
  }

  /** An error for a value an lbkit factory refused: its message names the value and the rule. */
  ConfigException error(IllegalArgumentException refused) {
    return new ConfigException(file, line, path, String.valueOf(refused.getMessage()), refused);
  }

  /** The quoted value as written, for error messages. */
  String quoted() {
    if (node instanceof ScalarNode) {
      return '"' + ((ScalarNode) node).getValue() + '"';
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "nothing";
  }

  /**
   * Checks that this is a mapping whose keys are all among {@code known}, and that no key is
   * written twice (SnakeYAML's composer keeps both).
   */
  ConfigNode checkMapping(String... known) {
    if (!(node instanceof MappingNode)) {
      throw error(
          "%s (expected: a mapping with the fields %s)", quoted(), String.join(", ", known));
    }
    Set<String> seen = new LinkedHashSet<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      String key = keyOf(tuple);
      ConfigNode at = child(key, tuple.getKeyNode());
      if (!seen.add(key)) {
        throw at.error("written twice (expected: each field once)");
      }
      if (!List.of(known).contains(key)) {
        throw at.error("unknown field (expected one of: %s)", String.join(", ", known));
      }
    }
    return this;
  }

  /** The field {@code key} of this mapping; {@linkplain #isMissing() missing} when absent. */
  ConfigNode get(String key) {
    if (node instanceof MappingNode) {
      for (NodeTuple tuple : ((MappingNode) node).getValue()) {
        if (key.equals(keyOf(tuple))) {
          return child(key, tuple.getValueNode());
        }
      }
    }
    return new ConfigNode(file, join(path, key), null, line);
  }

  /** The fields of a mapping in file order; none when this is not a mapping. */
  Map<String, ConfigNode> fields() {
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    if (node instanceof MappingNode) {
      for (NodeTuple tuple : ((MappingNode) node).getValue()) {
        String key = keyOf(tuple);
        ConfigNode value = child(key, tuple.getValueNode());
        if (out.putIfAbsent(key, value) != null) {
          throw value.error("written twice (expected: each field once)");
        }
      }
    }
    return out;
  }

  /** The field {@code key}, which must be present. */
  ConfigNode require(String key) {
    ConfigNode child = get(key);
    if (child.isMissing()) {
      throw child.error("missing (expected: a value)");
    }
    return child;
  }

  /** The elements of a list; a missing list is empty. */
  List<ConfigNode> elements() {
    if (isMissing()) {
      return List.of();
    }
    if (!(node instanceof SequenceNode)) {
      throw error("%s (expected: a list)", quoted());
    }
    List<Node> values = ((SequenceNode) node).getValue();
    List<ConfigNode> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Node value = values.get(i);
      out.add(new ConfigNode(file, path + '[' + i + ']', value, lineOf(value)));
    }
    return out;
  }

  /** A list of strings; a single string counts as a list of one. */
  List<String> texts() {
    if (node instanceof ScalarNode && !isMissing()) {
      return List.of(text());
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode element : elements()) {
      out.add(element.text());
    }
    return out;
  }

  /** A non-empty string value. */
  String text() {
    if (isMissing()) {
      throw error("missing (expected: a value)");
    }
    if (!(node instanceof ScalarNode)) {
      throw error("%s (expected: a single value)", quoted());
    }
    String value = ((ScalarNode) node).getValue();
    if (value.isEmpty()) {
      throw error("\"\" (expected: a non-empty value)");
    }
    return value;
  }

  String text(String defaultValue) {
    return isMissing() ? defaultValue : text();
  }

  /** One of {@code allowed}, as written (case-sensitive, as the Gateway API's enums are). */
  String oneOf(String defaultValue, Collection<String> allowed) {
    String value = text(defaultValue);
    if (!allowed.contains(value)) {
      throw error("%s (expected: %s)", quoted(), orList(allowed));
    }
    return value;
  }

  int integer(int defaultValue, int min, int max) {
    if (isMissing()) {
      return defaultValue;
    }
    String value = text();
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the range.
    }
    throw error("%s (expected: a whole number in %s..%s)", quoted(), min, max);
  }

  boolean bool(boolean defaultValue) {
    if (isMissing()) {
      return defaultValue;
    }
    switch (text().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw error("%s (expected: true or false)", quoted());
    }
  }

  /**
   * The value as plain Java: a {@code Map<String, Object>} (in file order), a {@code List}, or a
   * {@code String} for every scalar, which is how Kubernetes hands over annotations and how the
   * lbkit configuration parsers take their input.
   */
  @Nullable Object plain() {
    if (isMissing()) {
      return null;
    }
    if (node instanceof ScalarNode) {
      return ((ScalarNode) node).getValue();
    }
    if (node instanceof SequenceNode) {
      List<Object> out = new ArrayList<>();
      for (ConfigNode element : elements()) {
        out.add(element.plain());
      }
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) Objects.requireNonNull(node)).getValue()) {
      String key = keyOf(tuple);
      ConfigNode value = child(key, tuple.getValueNode());
      if (out.containsKey(key)) {
        throw value.error("written twice (expected: each field once)");
      }
      out.put(key, value.plain());
    }
    return out;
  }

  private ConfigNode child(String key, Node value) {
    return new ConfigNode(file, join(path, key), value, lineOf(value));
  }

  private String keyOf(NodeTuple tuple) {
    Node key = tuple.getKeyNode();
    if (!(key instanceof ScalarNode)) {
      throw new ConfigException(
          file, lineOf(key), path, "a key that is not a plain name (expected: field names)");
    }
    return ((ScalarNode) key).getValue();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + '.' + key;
  }

  private static int lineOf(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  static String orList(Collection<String> values) {
    List<String> list = new ArrayList<>(values);
    if (list.size() == 1) {
      return list.get(0);
    }
    return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
  }
}
