package dev.lbkit.jpmstest;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** What the module system made of lbkit's descriptors in this JVM. */
final class ModuleChecks {
  static final List<String> LBKIT =
      List.of(
          "dev.lbkit.core",
          "dev.lbkit.hash",
          "dev.lbkit.cookie",
          "dev.lbkit.config",
          "dev.lbkit.servlet");

  private ModuleChecks() {}

  static void check() {
    Module app = ModuleChecks.class.getModule();
    expect(app.isNamed(), "the application runs on the class path, not as a module");
    ModuleLayer boot = ModuleLayer.boot();
    for (String name : LBKIT) {
      Module module =
          boot.findModule(name).orElseThrow(() -> new AssertionError(name + " was not resolved"));
      // A jar without module-info.class is an automatic module: it reads every module but
      // requires none, so nothing resolves the named modules it uses (SLF4J: issue 12).
      expect(!module.getDescriptor().isAutomatic(), name + " is an automatic module");
      for (String pkg : module.getPackages()) {
        expect(
            !pkg.endsWith(".internal") || !module.isExported(pkg, app),
            pkg + " is exported to the application");
      }
    }
    Module core = boot.findModule("dev.lbkit.core").orElseThrow();
    Module servlet = boot.findModule("dev.lbkit.servlet").orElseThrow();
    expect(
        core.isExported("dev.lbkit.core.internal", servlet),
        "dev.lbkit.core.internal is not exported to dev.lbkit.servlet");

    standsAlone();
  }

  /**
   * Resolves each lbkit module alone on this module path, as the JVM resolves an application that
   * requires only that module (one on Tomcat, say), and checks that it reads SLF4J. In this JVM,
   * Jetty and lbkit's other modules require SLF4J too, and would hide a missing or {@code static}
   * {@code requires org.slf4j} in one of lbkit's descriptors.
   */
  private static void standsAlone() {
    ModuleFinder modulePath =
        ModuleFinder.of(
            Arrays.stream(System.getProperty("jdk.module.path").split(File.pathSeparator))
                .map(Path::of)
                .toArray(Path[]::new));
    ModuleFinder finder = ModuleFinder.compose(ModuleFinder.ofSystem(), modulePath);
    for (String name : LBKIT) {
      Configuration alone = Configuration.empty().resolve(finder, ModuleFinder.of(), Set.of(name));
      ResolvedModule module = alone.findModule(name).orElseThrow();
      expect(reads(module, "org.slf4j"), name + " alone does not read org.slf4j");
      if (name.equals("dev.lbkit.servlet")) {
        expect(reads(module, "jakarta.servlet"), name + " alone does not read jakarta.servlet");
        expect(
            alone.findModule("org.eclipse.jetty.ee10.proxy").isEmpty(),
            name + " alone resolves Jetty's proxy: the filter would need Jetty on any container");
      }
    }
  }

  private static boolean reads(ResolvedModule module, String name) {
    return module.reads().stream().anyMatch(read -> read.name().equals(name));
  }

  static void expect(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }
}
