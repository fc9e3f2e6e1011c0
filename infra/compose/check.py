#!/usr/bin/env python3
"""Offline check of docker-compose.yml and docker-compose.prod.yml (./moa test, through check.sh).

Both configurations, the base alone (development) and base + prod merged the way compose merges
them, must satisfy RULES (below); every SPRING_*/MOA_* (and SERVER_*, MANAGEMENT_*,
LOGGING_*) variable an app is given must map, by Spring Boot's environment-variable rules, to a
property that app really binds, and every setting it requires must be set. A self-test runs first:
each file in must-fail/ is merged on top of base + prod and must be refused for the reason its
`# expect:` line names, so a check that lets everything through fails too.

  check.py                           run the self-test and the check
  check.py --refresh-boot-properties rewrite boot-properties.txt from the Spring Boot jars in ~/.m2
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BASE, PROD = 'docker-compose.yml', 'docker-compose.prod.yml'
ENV_EXAMPLE = '.env.prod.example'

RULES = """every service: a healthcheck, a memory limit, an image pinned to a version (no :latest, no
missing tag), log rotation, a restart policy; depends_on only on healthy, active services; no
${VAR} without a default or :?; published ports: the gateway's, and under the base only others
bound to 127.0.0.1; apps: a heap bounded by -XX:MaxRAMPercentage, variables that map to bound
properties, required settings set; Redis: maxmemory well below the container limit; prod: the prod
profile, Redis passwords, no development default, every variable it reads listed in .env.prod.example."""

# Variables an app is given that are not Spring properties.
JVM_VARIABLES = {'JAVA_TOOL_OPTIONS'}
SPRING_VARIABLE = re.compile(r'^(SPRING|MOA|SERVER|MANAGEMENT|LOGGING)_')
# Boot property groups every app has (web server, actuator, logging, profiles); other Boot groups
# count for an app only if its application*.yml configures that group (spring.datasource, …).
UNIVERSAL_BOOT_GROUPS = ('spring.profiles.', 'server.', 'management.', 'logging.')
# Settings the code refuses to start without under prod (not visible in application*.yml).
CODE_REQUIRED = [
    ('moa.security', 'moa.security.operator-key',
     'MoaResourceServerAutoConfiguration refuses the development operator key under prod'),
    ('moa.auth', 'moa.auth.signing.keys[0].kid', 'SigningKeys refuses to start without keys under prod'),
    ('moa.auth', 'moa.auth.signing.keys[0].private-key-pem', 'SigningKeys refuses to start without keys under prod'),
]
DEV_DEFAULT = re.compile(r'_dev\b|\bdev-|localhost|\.local\b')
SECRET_NAME = re.compile(r'PASSWORD|SECRET|_KEY$')


# --- YAML and compose's merge --------------------------------------------------------------------

class Reset:
    """Compose's `!reset` tag (used by the must-fail fixtures to remove a setting)."""


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor('!reset', lambda loader, node: Reset())


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.load(f, Loader=Loader) or {}


def normalize(service):
    env = service.get('environment')
    if isinstance(env, list):
        service['environment'] = dict(item.split('=', 1) if '=' in item else (item, None) for item in env)
    deps = service.get('depends_on')
    if isinstance(deps, list):
        service['depends_on'] = {name: {'condition': 'service_started'} for name in deps}
    if isinstance(service.get('env_file'), str):
        service['env_file'] = [service['env_file']]
    return service


APPENDED = {'ports', 'expose', 'env_file', 'volumes', 'profiles', 'dns', 'secrets', 'configs'}


def merge(base, override, key=None):
    if isinstance(override, Reset):
        return None
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for k, v in override.items():
            if isinstance(v, Reset):
                merged.pop(k, None)
            else:
                merged[k] = merge(base.get(k), v, k) if k in base else v
        return merged
    if key in APPENDED and isinstance(base, list) and isinstance(override, list):
        return base + [v for v in override if v not in base]
    return override


def compose(*docs):
    config = {}
    for doc in docs:
        # Extension fields (x-…) only feed YAML anchors; compose itself ignores them.
        doc = {k: v for k, v in doc.items() if not str(k).startswith('x-')}
        doc['services'] = {name: normalize(dict(s or {})) for name, s in (doc.get('services') or {}).items()}
        config = merge(config, doc)
    return config


# --- compose's variable interpolation -------------------------------------------------------------

class Interpolation:
    """Resolves ${…} as compose does, with no variable set: defaults apply, `:?` yields <VAR>."""

    def __init__(self):
        self.referenced, self.required, self.defaults, self.unset = set(), set(), [], set()

    def __call__(self, value):
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return self.text(value) if isinstance(value, str) else value

    def text(self, s):
        out, i = [], 0
        while i < len(s):
            if s.startswith('$$', i):
                out.append('$')
                i += 2
            elif s.startswith('${', i):
                depth, j = 1, i + 2
                while depth:
                    if j >= len(s):
                        raise ValueError(f'unterminated ${{ in {s!r}')
                    depth += {'{': 1, '}': -1}.get(s[j], 0)
                    j += 1
                out.append(self.expression(s[i + 2:j - 1]))
                i = j
            elif s[i] == '$' and re.match(r'[A-Za-z_]', s[i + 1:i + 2]):
                name = re.match(r'[A-Za-z_][A-Za-z0-9_]*', s[i + 1:]).group()
                out.append(self.expression(name))
                i += 1 + len(name)
            else:
                out.append(s[i])
                i += 1
        return ''.join(out)

    def expression(self, expr):
        m = re.match(r'([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$', expr, re.S)
        if not m:
            raise ValueError(f'cannot read ${{{expr}}}')
        name, op, arg = m.groups()
        self.referenced.add(name)
        if op in (':?', '?'):
            self.required.add(name)
            return f'<{name}>'
        if op in (':-', '-'):
            default = self.text(arg)
            self.defaults.append((name, default))
            return default
        if op in (':+', '+'):
            return ''
        self.unset.add(name)
        return ''


# --- what a Spring Boot app binds ---------------------------------------------------------------

def kebab(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '-', name).lower()


def flatten(node, prefix=''):
    """Keys of an application*.yml; a list value also allows indexes, a map value its keys."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from flatten(v, f'{prefix}.{k}' if prefix else str(k))
    else:
        yield prefix
        if isinstance(node, list):
            yield prefix + '[*]'


def placeholders(node, path=''):
    """(name, has_default, key) of every ${…} in the values of an application*.yml."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from placeholders(v, f'{path}.{k}' if path else str(k))
    elif isinstance(node, list):
        for v in node:
            yield from placeholders(v, path)
    elif isinstance(node, str):
        for m in re.finditer(r'\$\{([^:}$]+)(:?)', node):
            yield m.group(1), m.group(2) == ':', path


def split_top(text, sep=','):
    parts, depth, current = [], 0, ''
    for ch in text:
        depth += {'(': 1, '<': 1, '{': 1, ')': -1, '>': -1, '}': -1}.get(ch, 0)
        if ch == sep and depth == 0:
            parts.append(current)
            current = ''
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def strip_annotations(text):
    out = text
    while True:
        m = re.search(r'@[\w.]+\s*', out)
        if not m:
            return out.strip()
        end = m.end()
        if end < len(out) and out[end] == '(':
            depth = 0
            for j in range(end, len(out)):
                depth += {'(': 1, ')': -1}.get(out[j], 0)
                if depth == 0:
                    end = j + 1
                    break
        out = out[:m.start()] + out[end:]


def record_components(source, record):
    m = re.search(r'\brecord\s+' + re.escape(record) + r'\s*\(', source)
    if not m:
        return None
    depth, start = 0, m.end() - 1
    for j in range(start, len(source)):
        depth += {'(': 1, ')': -1}.get(source[j], 0)
        if depth == 0:
            return [strip_annotations(c).rsplit(None, 1) for c in split_top(source[start + 1:j])]
    return None


def record_properties(source, record, prefix):
    for type_, name in record_components(source, record) or []:
        key = f'{prefix}.{kebab(name)}'
        generic = re.match(r'(?:List|Set|Collection)<\s*(\w+)\s*>$', type_)
        if type_.startswith('Map<'):
            yield key + '.*'
        elif generic and record_components(source, generic.group(1)) is not None:
            yield from record_properties(source, generic.group(1), key + '[*]')
        elif record_components(source, type_) is not None:
            yield from record_properties(source, type_, key)
        else:
            yield key
            if generic:
                yield key + '[*]'


def configuration_properties(java_dir, reactive):
    """{prefix: [property patterns]} of the @ConfigurationProperties records under java_dir."""
    found = {}
    for path in glob.glob(os.path.join(java_dir, '**', '*.java'), recursive=True):
        source = open(path, encoding='utf-8').read()
        m = re.search(r'@ConfigurationProperties\(\s*(?:(?:prefix|value)\s*=\s*)?"([^"]+)"\s*\)\s*'
                      r'(?:@\w+\s*)*(?:public\s+)?record\s+(\w+)', source)
        if not m:
            continue
        prefix, record = m.groups()
        if reactive and servlet_only(java_dir, record):
            continue
        found[prefix] = list(record_properties(source, record, prefix))
    return found


def servlet_only(java_dir, record):
    """Whether the auto-configuration that enables `record` runs in servlet apps only."""
    for path in glob.glob(os.path.join(java_dir, '**', '*.java'), recursive=True):
        source = open(path, encoding='utf-8').read()
        head = source.split(' class ', 1)[0]
        if f'@EnableConfigurationProperties({record}.class)' in head:
            return 'Type.SERVLET' in head
    return False


def dependencies(module):
    ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
    pom = ET.parse(os.path.join(ROOT, module, 'pom.xml'))
    for dep in pom.getroot().findall('m:dependencies/m:dependency', ns):
        if (dep.findtext('m:scope', '', ns) or 'compile') != 'test':
            yield dep.findtext('m:artifactId', '', ns)


def boot_properties():
    with open(os.path.join(HERE, 'boot-properties.txt'), encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


def boot_group(name):
    parts = name.split('.')
    return '.'.join(parts[:3 if name.startswith('spring.data.') else 2]) + '.'


class App:
    """What one Spring Boot module binds and requires."""

    def __init__(self, module, boot):
        self.module = module
        deps = list(dependencies(module))
        reactive = any('webflux' in d for d in deps)
        self.props = configuration_properties(os.path.join(ROOT, module, 'src/main/java'), reactive)
        for dep in deps:
            if dep.startswith('moa-platform-'):
                java = os.path.join(ROOT, 'platform', dep[len('moa-platform-'):], 'src/main/java')
                self.props.update(configuration_properties(java, reactive))
        self.patterns, self.env_names, self.required = set(), set(), {}
        for path in glob.glob(os.path.join(ROOT, module, 'src/main/resources/application*.yml')):
            profile = re.match(r'application(?:-(.+))?\.yml$', os.path.basename(path)).group(1) or 'default'
            doc = load(path)
            self.patterns.update(flatten(doc))
            for name, has_default, key in placeholders(doc):
                if name.isupper():
                    self.env_names.add(name)
                    if not has_default:
                        self.required.setdefault(profile, []).append((name, key))
                else:
                    self.patterns.add(name)
        for patterns in self.props.values():
            self.patterns.update(patterns)
        groups = {boot_group(p) for p in self.patterns}
        self.patterns.update(p for p in boot if p.startswith(UNIVERSAL_BOOT_GROUPS) or boot_group(p) in groups)
        self._bound = {}

    def binds(self, variable):
        """Whether the app reads the variable: a ${…} of its application*.yml, or a property."""
        if variable not in self._bound:
            self._bound[variable] = variable in self.env_names or any(binds(p, variable) for p in self.patterns)
        return self._bound[variable]


def env_form(pattern):
    """A regex for the environment variables that bind a property pattern (Boot's rules: `.` and
    list indexes become `_`, dashes are dropped or become `_`, upper case); `*` is a map key."""
    elements = re.sub(r'\[\*\]', '.[*]', pattern).split('.')
    regex = []
    for element in elements:
        if element == '[*]':
            regex.append('[0-9]+')
        elif element == '*':
            regex.append('[A-Z0-9]+(?:_[A-Z0-9]+)*')
        else:
            upper = re.escape(element.upper())
            regex.append(f'(?:{upper.replace(chr(92) + "-", "")}|{upper.replace(chr(92) + "-", "_")})')
    return re.compile('_'.join(regex))


_forms = {}


def binds(pattern, variable):
    form = _forms.setdefault(pattern, env_form(pattern))
    return form.fullmatch(variable) is not None


def property_of(variable):
    return '.'.join(f'[{p}]' if p.isdigit() else p for p in variable.lower().split('_')).replace('.[', '[')


# --- the rules --------------------------------------------------------------------------------

def memory_bytes(value):
    m = re.fullmatch(r'(\d+(?:\.\d+)?)\s*([kmg]?)b?', str(value).strip().lower())
    return float(m.group(1)) * {'': 1, 'k': 2 ** 10, 'm': 2 ** 20, 'g': 2 ** 30}[m.group(2)] if m else None


def env_file_entries(path):
    """KEY=VALUE lines of an env_file. One not in the repository (secrets) is read from its
    .example, whose empty values the operator fills in: they count as set."""
    full = os.path.join(ROOT, path)
    example = not os.path.exists(full)
    if example:
        full += '.example'
    if not os.path.exists(full):
        return None
    entries = {}
    for line in open(full, encoding='utf-8'):
        line = line.strip()
        if line and not line.startswith('#') and '=' in line:
            key, value = line.split('=', 1)
            entries[key.strip()] = value or (f'<{key.strip()}>' if example else '')
    return entries


def check(config, prod, apps, example_keys):
    errors = []
    interpolate = Interpolation()
    try:
        config = interpolate(config)
    except ValueError as e:
        return [str(e)]
    services = config.get('services') or {}
    active = {name: s for name, s in services.items() if not s.get('profiles')}
    for name in sorted(interpolate.unset):
        errors.append(f'${{{name}}} has neither a default nor :? (compose would use an empty string)')
    for name, s in sorted(active.items()):
        where = f'{name}:'
        test = (s.get('healthcheck') or {}).get('test')
        if not test or (s.get('healthcheck') or {}).get('disable') or test in (['NONE'], 'NONE'):
            errors.append(f'{where} no healthcheck')
        for dep, spec in (s.get('depends_on') or {}).items():
            if (spec or {}).get('condition') != 'service_healthy':
                errors.append(f'{where} depends_on {dep} without condition: service_healthy')
            if dep not in active:
                errors.append(f'{where} depends_on {dep}, which is not started in this configuration')
        limit = ((s.get('deploy') or {}).get('resources') or {}).get('limits', {}).get('memory') or s.get('mem_limit')
        if not limit:
            errors.append(f'{where} no memory limit')
        image = s.get('image')
        if not image:
            errors.append(f'{where} no image name (a build alone is tagged :latest)')
        else:
            repo, _, digest = image.partition('@')
            tag = repo.rsplit(':', 1)[1] if ':' in repo.rsplit('/', 1)[-1] else None
            if not digest and (not tag or tag == 'latest'):
                errors.append(f'{where} image {image} is not pinned to a version (:latest or no tag)')
        logging = s.get('logging') or {}
        options = logging.get('options') or {}
        if logging.get('driver') not in ('json-file', 'local') or 'max-size' not in options or 'max-file' not in options:
            errors.append(f'{where} no log rotation (logging: json-file with max-size and max-file)')
        if s.get('restart') in (None, 'no'):
            errors.append(f'{where} no restart policy')
        for port in s.get('ports') or []:
            published = str(port.get('published', '')) if isinstance(port, dict) else str(port)
            local = published.startswith('127.0.0.1:') or (isinstance(port, dict) and port.get('host_ip') == '127.0.0.1')
            if name != 'gateway' and (prod or not local):
                errors.append(f'{where} publishes {port}: only the gateway may be published'
                              + ('' if prod else ' (others on 127.0.0.1 only)'))
        command = s.get('command') if isinstance(s.get('command'), list) else str(s.get('command') or '').split()
        if prod and 'redis-server' in command and '--requirepass' not in command:
            errors.append(f'{where} Redis without --requirepass under prod (every container shares the network)')
        if 'redis-server' in command and '--maxmemory' in command:
            maxmemory = memory_bytes(command[command.index('--maxmemory') + 1])
            if limit and maxmemory and maxmemory > 0.75 * memory_bytes(limit):
                errors.append(f'{where} Redis maxmemory leaves under 25 % of the container limit {limit} '
                              '(fork for AOF rewrite, buffers)')
        module = ((s.get('build') or {}).get('args') or {}).get('SERVICE')
        if module:
            errors += check_app(name, s, apps[module], prod)
    if prod:
        for name, default in interpolate.defaults:
            if default and (DEV_DEFAULT.search(default) or SECRET_NAME.search(name)):
                errors.append(f'${{{name}}} falls back to {default!r} under prod')
        for name in sorted(interpolate.referenced - example_keys):
            errors.append(f'{ENV_EXAMPLE} does not list {name}, which the prod configuration reads')
        for name in sorted(example_keys - interpolate.referenced - {'COMPOSE_FILE'}):
            errors.append(f'{ENV_EXAMPLE} lists {name}, which no compose file reads')
    return errors


def check_app(name, service, app, prod):
    errors, where = [], f'{name}:'
    env = {}
    for path in service.get('env_file') or []:
        entries = env_file_entries(path)
        if entries is None:
            errors.append(f'{where} env_file {path} is neither in the repository nor has a {path}.example')
        env.update(entries or {})
    env.update({k: '' if v is None else str(v) for k, v in (service.get('environment') or {}).items()})
    profile = env.get('SPRING_PROFILES_ACTIVE', '')
    if prod != ('prod' in profile.split(',')):
        errors.append(f'{where} SPRING_PROFILES_ACTIVE={profile!r} ' + ('lacks prod' if prod else 'is prod in the base'))
    if not re.search(r'-XX:MaxRAMPercentage=\d+', env.get('JAVA_TOOL_OPTIONS', '')):
        errors.append(f'{where} JAVA_TOOL_OPTIONS does not bound the heap (-XX:MaxRAMPercentage)')
    for variable in sorted(env):
        if variable not in JVM_VARIABLES and not app.binds(variable):
            if SPRING_VARIABLE.match(variable):
                errors.append(f'{where} {variable} binds no property of {app.module} ({property_of(variable)}); a typo?')
            else:
                errors.append(f'{where} {variable} is read by nothing in {app.module}')

    def is_set(variable=None, prop=None):
        return (variable and env.get(variable, '') != '') or \
            (prop and any(binds(prop.replace('[0]', '[*]'), v) and env[v] != '' for v in env))

    for profile_name in ['default'] + (['prod'] if prod else []):
        for variable, key in app.required.get(profile_name, []):
            if not is_set(variable, key):
                errors.append(f'{where} {variable} is required ({key} in application'
                              f'{"" if profile_name == "default" else "-" + profile_name}.yml) but not set')
    if prod:
        for prefix, prop, why in CODE_REQUIRED:
            if prefix in app.props and not is_set(prop=prop):
                errors.append(f'{where} nothing sets {prop} ({why})')
        if 'dev-operator-key' in env.values():
            errors.append(f'{where} the development operator key under prod')
    return errors


# --- self-test and main -------------------------------------------------------------------------

def self_test(base, prod, apps, example_keys):
    for variable, pattern, expected in [
        ('MOA_SECURITY_OPERATOR_KEY', 'moa.security.operator-key', True),
        ('MOA_SECURITY_OPERATORKEY', 'moa.security.operator-key', True),
        ('MOA_OPERATOR_KEY', 'moa.security.operator-key', False),
        ('MOA_AUTH_SIGNING_KEYS_0_PRIVATE_KEY_PEM', 'moa.auth.signing.keys[*].private-key-pem', True),
        ('MOA_AUTH_SIGNING_KEYS_PRIVATE_KEY_PEM', 'moa.auth.signing.keys[*].private-key-pem', False),
        ('SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_ENABLE', 'spring.mail.properties.*', True),
        ('SPRING_DATASOURCE_PASWORD', 'spring.datasource.password', False),
    ]:
        if binds(pattern, variable) != expected:
            return [f'mapping {variable} -> {pattern}: expected {expected}']
    failures, count = [], 0
    for path in sorted(glob.glob(os.path.join(HERE, 'must-fail', '*.yml'))):
        text = open(path, encoding='utf-8').read()
        expect = re.search(r'^# expect: (.+)$', text, re.M)
        if not expect:
            failures.append(f'{os.path.basename(path)}: no "# expect:" line')
            continue
        errors = check(compose(base, prod, load(path)), True, apps, example_keys)
        if not any(expect.group(1).strip() in e for e in errors):
            failures.append(f'{os.path.basename(path)} was not refused for "{expect.group(1).strip()}"'
                            f' (errors: {errors or "none"})')
        count += 1
    return failures or count


def refresh_boot_properties():
    version = ET.parse(os.path.join(ROOT, 'pom.xml')).getroot().findtext(
        '{http://maven.apache.org/POM/4.0.0}parent/{http://maven.apache.org/POM/4.0.0}version')
    jars = glob.glob(os.path.expanduser(f'~/.m2/repository/org/springframework/boot/*/{version}/*-{version}.jar'))
    names = set()
    for jar in jars:
        with zipfile.ZipFile(jar) as z:
            for entry in z.namelist():
                if entry.endswith('META-INF/spring-configuration-metadata.json'):
                    for p in json.loads(z.read(entry)).get('properties', []):
                        if (p.get('deprecation') or {}).get('level') == 'error':
                            continue  # no longer bound
                        names.add(p['name'] + ('.*' if p.get('type', '').startswith('java.util.Map<') else ''))
    if not names:
        sys.exit(f'no Spring Boot {version} jars in ~/.m2 (build once with ./mvnw first)')
    with open(os.path.join(HERE, 'boot-properties.txt'), 'w', encoding='utf-8') as f:
        f.write(f'# Spring Boot {version} properties (configuration metadata of its jars; a map is name.*),\n'
                f'# as check.py reads them. Regenerate after a Boot upgrade:\n'
                f'#   python3 infra/compose/check.py --refresh-boot-properties\n')
        f.writelines(n + '\n' for n in sorted(names))
    print(f'{len(names)} properties from {len(jars)} jars')


def main():
    if sys.argv[1:] == ['--refresh-boot-properties']:
        return refresh_boot_properties()
    os.chdir(ROOT)
    base, prod = load(BASE), load(PROD)
    boot = boot_properties()
    modules = {((s or {}).get('build') or {}).get('args', {}).get('SERVICE') for s in base['services'].values()}
    apps = {m: App(m, boot) for m in modules if m}
    example_keys = set(env_file_entries(ENV_EXAMPLE) or {})
    result = self_test(base, prod, apps, example_keys)
    if isinstance(result, list):
        print('\n'.join(result))
        sys.exit('the self-test failed: a rule lets a bad configuration through')
    print(f'self-test: {result} bad configurations refused (must-fail/)')
    failed = False
    for label, config, is_prod in [(BASE, compose(base), False), (f'{BASE} + {PROD}', compose(base, prod), True)]:
        errors = check(config, is_prod, apps, example_keys)
        failed |= bool(errors)
        active = sum(1 for s in config['services'].values() if not s.get('profiles'))
        print(f'{label}: ' + ('\n  '.join(['INVALID'] + errors) if errors else f'{active} services OK'))
    if failed:
        sys.exit(f'compose files break the rules:\n{RULES}')


if __name__ == '__main__':
    main()
