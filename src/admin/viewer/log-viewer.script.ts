/**
 * The log viewer's browser code: vanilla JS over the admin JSON API. Everything shown goes through
 * textContent (never innerHTML), so ERP data cannot inject markup. No template literals inside: this
 * text is itself a template literal.
 */
export const LOG_VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'erp-bitrix24-sync.adminToken';
  var POLL_MS = 2000;
  var RUN_STATUSES = ['queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled'];
  var TRIGGERS = ['schedule', 'manual', 'retry'];
  var OPERATION_STATUSES = ['planned', 'pending', 'in_flight', 'succeeded', 'failed', 'parked'];
  var ACTIONS = ['create', 'update', 'delete'];
  var MODES = ['incremental', 'full', 'reconcile'];
  var main = document.getElementById('main');
  var pollTimer = null;
  var viewSerial = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === 'text') { node.textContent = String(value); }
      else if (name.indexOf('on') === 0) { node.addEventListener(name.slice(2), value); }
      else if (name === 'value') { node.value = String(value); }
      else { node.setAttribute(name, value === true ? '' : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function show(nodes) { clear(main); nodes.forEach(function (node) { if (node) { main.appendChild(node); } }); }
  function badge(status) { return el('span', { 'class': 'badge ' + status, text: status.replace('_', ' ') }); }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : '—'; }
  function value(v) {
    if (v === null || v === undefined) { return '∅'; }
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '—'; }
    var s = Math.round(seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + r + 's';
  }
  function spanSeconds(fromIso, toIso) {
    return fromIso && toIso ? (new Date(toIso).getTime() - new Date(fromIso).getTime()) / 1000 : null;
  }
  function runLink(id) { return el('a', { href: '#/runs/' + encodeURIComponent(id), text: '#' + id }); }
  function recordLink(mapping, key) {
    return el('a', { href: '#/records/' + encodeURIComponent(mapping) + '/' + encodeURIComponent(key), text: key });
  }
  function options(values, selected, blank) {
    var list = blank ? [el('option', { value: '', text: blank })] : [];
    return list.concat(values.map(function (v) { return el('option', { value: v, text: v, selected: v === selected }); }));
  }
  function notice(text, bad) { return el('div', { 'class': bad ? 'notice bad' : 'notice', text: text }); }
  function facts(pairs) {
    var dl = el('dl', { 'class': 'facts' });
    pairs.forEach(function (pair) {
      dl.appendChild(el('dt', { text: pair[0] }));
      dl.appendChild(el('dd', {}, [pair[1]]));
    });
    return dl;
  }
  function table(headers, rows) {
    var head = el('tr', {}, headers.map(function (h) { return el('th', { 'class': h.num ? 'num' : null, text: h.label || h }); }));
    return el('table', {}, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  }
  function cell(content, num) { return el('td', { 'class': num ? 'num' : null }, [content]); }
  function changesList(changes) {
    if (!changes || changes.length === 0) { return el('span', { 'class': 'muted', text: 'no field changes' }); }
    return el('ul', { 'class': 'changes' }, changes.map(function (c) {
      return el('li', {}, [el('span', { 'class': 'field', text: c.field }), ' ',
        el('span', { 'class': 'old', text: value(c.old) }), el('span', { 'class': 'arrow', text: '→' }),
        el('span', { 'class': 'new', text: value(c.new) })]);
    }));
  }
  function errorText(error) {
    if (!error) { return null; }
    return el('div', { 'class': 'error', text: (error.code ? error.code + ': ' : '') + (error.message || '') });
  }

  function ApiError(status, message) { this.status = status; this.message = message; }
  async function api(path, method, body) {
    var response = await fetch(path, {
      method: method || 'GET', cache: 'no-store',
      headers: { 'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    var data = await response.json().catch(function () { return null; });
    if (!response.ok) {
      var message = data && data.message ? [].concat(data.message).join('; ') : response.statusText;
      if (response.status === 401) { sessionStorage.removeItem(TOKEN_KEY); }
      throw new ApiError(response.status, message);
    }
    return data;
  }
  function failed(error) {
    if (error instanceof ApiError && error.status === 401) { showLogin(error.message); return; }
    show([notice(error instanceof ApiError ? error.message + ' (HTTP ' + error.status + ')' : String(error), true),
      el('p', {}, [el('a', { href: '#/runs', text: 'Back to runs' })])]);
  }

  function showLogin(message) {
    stopPolling();
    var input = el('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, id: 'token' });
    var form = el('form', { 'class': 'card login', onsubmit: function (event) {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      route();
    } }, [el('h2', { text: 'Admin token' }),
      el('p', { 'class': 'muted', text: 'Enter the ADMIN_TOKEN of this daemon. It stays in this browser tab only (sessionStorage) and is sent to the admin API, nowhere else.' }),
      message ? notice(message, true) : null,
      el('label', {}, ['Token', input]), el('p', {}, [el('button', { 'class': 'primary', type: 'submit', text: 'Open the sync log' })])]);
    show([form]);
    input.focus();
  }

  function stopPolling() { if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; } }

  async function showRuns(params) {
    var serial = viewSerial;
    var mappings = await api('/admin/mappings');
    if (serial !== viewSerial) { return; }
    var query = new URLSearchParams();
    ['mapping', 'status', 'trigger'].forEach(function (name) { if (params.get(name)) { query.set(name, params.get(name)); } });
    var filter = el('form', { 'class': 'inline card', onsubmit: function (event) {
      event.preventDefault();
      var next = new URLSearchParams();
      ['mapping', 'status', 'trigger'].forEach(function (name) { if (filter.elements[name].value) { next.set(name, filter.elements[name].value); } });
      location.hash = '#/runs' + (next.toString() ? '?' + next.toString() : '');
    } }, [
      el('label', {}, ['Mapping', el('select', { name: 'mapping' }, options(mappings.map(function (m) { return m.name; }), params.get('mapping'), 'all'))]),
      el('label', {}, ['Status', el('select', { name: 'status' }, options(RUN_STATUSES, params.get('status'), 'all'))]),
      el('label', {}, ['Trigger', el('select', { name: 'trigger' }, options(TRIGGERS, params.get('trigger'), 'all'))]),
      el('button', { type: 'submit', text: 'Filter' })]);
    var body = el('tbody');
    var more = el('button', { type: 'button', text: 'Load more', hidden: true });
    var runsTable = el('table', { id: 'runs' }, [el('thead', {}, [el('tr', {}, ['Run', 'Mapping', 'Status', 'Trigger', 'Mode', 'Created', 'Duration',
      { label: 'Read', num: 1 }, { label: 'Created', num: 1 }, { label: 'Updated', num: 1 }, { label: 'Deleted', num: 1 },
      { label: 'Unchanged', num: 1 }, { label: 'Failed', num: 1 }].map(function (h) {
      return el('th', { 'class': h.num ? 'num' : null, text: h.label || h });
    }))]), body]);
    async function load(cursor) {
      if (cursor) { query.set('cursor', cursor); }
      var page = await api('/admin/runs?' + query.toString());
      page.items.forEach(function (run) {
        var c = run.counters;
        body.appendChild(el('tr', {}, [cell(runLink(run.id)), cell(run.mapping), cell(badge(run.status)), cell(run.trigger),
          cell(run.mode + (run.dryRun ? ' (dry run)' : '')), cell(when(run.createdAt)),
          cell(duration(spanSeconds(run.startedAt, run.finishedAt || (run.status === 'running' ? new Date().toISOString() : null)))), cell(c.rowsRead, 1), cell(c.created, 1),
          cell(c.updated, 1), cell(c.deleted, 1), cell(c.unchanged, 1), cell(c.failed, 1)]));
      });
      if (page.items.length === 0 && !cursor) { body.appendChild(el('tr', {}, [el('td', { colspan: 13, 'class': 'muted', text: 'No runs yet.' })])); }
      more.hidden = !page.nextCursor;
      more.onclick = function () { load(page.nextCursor).catch(failed); };
    }
    show([el('h2', { text: 'Mappings' }), mappingsTable(mappings), resyncForm(mappings),
      el('h2', { text: 'Runs' }), filter, runsTable, el('p', {}, [more])]);
    await load(null);
  }

  function mappingsTable(mappings) {
    if (mappings.length === 0) { return notice('No mappings are configured (SYNC_CONFIG).'); }
    return table(['Mapping', 'Source', 'Schedule', 'Next run', 'Last run', 'Delete policy'], mappings.map(function (m) {
      var last = m.lastRun ? el('span', { 'class': 'row' }, [runLink(m.lastRun.id), badge(m.lastRun.status), when(m.lastRun.createdAt)]) : '—';
      return el('tr', {}, [cell(el('span', {}, [el('b', { text: m.name }), m.enabled ? '' : ' (disabled)'])),
        cell(el('span', { 'class': 'mono', text: m.source.table || m.source.query })),
        cell(m.schedule || '—'), cell(when(m.nextRunAt)), cell(last), cell(m['delete'].policy)]);
    }));
  }

  function resyncForm(mappings) {
    if (mappings.length === 0) { return null; }
    var message = el('div');
    var form = el('form', { 'class': 'inline', id: 'resync', onsubmit: async function (event) {
      event.preventDefault();
      var keys = form.elements.keys.value.split(/[\n,]/).map(function (k) { return k.trim(); }).filter(Boolean);
      var request = { mapping: form.elements.mapping.value, mode: form.elements.mode.value,
        dryRun: form.elements.dryRun.checked, requestedBy: 'log-viewer' };
      if (keys.length > 0) { request.erpKeys = keys; }
      try {
        var accepted = await api('/admin/resync', 'POST', request);
        location.hash = '#/runs/' + accepted.runId;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) { failed(error); return; }
        clear(message).appendChild(notice(error.message || String(error), true));
      }
    } }, [
      el('label', {}, ['Mapping', el('select', { name: 'mapping' }, options(mappings.map(function (m) { return m.name; })))]),
      el('label', {}, ['Mode', el('select', { name: 'mode' }, options(MODES, 'incremental'))]),
      el('label', {}, ['Only these ERP keys (optional, one per line)', el('textarea', { name: 'keys', rows: 1, cols: 30 })]),
      el('label', { 'class': 'check' }, [el('input', { type: 'checkbox', name: 'dryRun' }), 'Dry run (no writes to Bitrix24)']),
      el('button', { 'class': 'primary', type: 'submit', text: 'Start resync' })]);
    return el('details', { 'class': 'card' }, [el('summary', { text: 'Start a resync' }), form, message]);
  }

  function progressBox(run) {
    var p = run.progress;
    var stats = [['Planned', p.planned], ['Applied', p.applied], ['Failed', p.failed], ['Remaining', p.remaining],
      ['Rate', p.ratePerSecond === null ? '—' : p.ratePerSecond + '/s'],
      ['ETA', run.status === 'running' ? duration(p.etaSeconds) : '—'], ['Elapsed', duration(p.elapsedSeconds)]];
    return el('div', { 'class': 'card', id: 'progress' }, [
      el('div', { 'class': 'stats' }, stats.map(function (s) {
        return el('div', { 'class': 'stat', 'data-stat': s[0].toLowerCase() }, [el('b', { text: s[1] }), el('span', { text: s[0] })]);
      })),
      p.percent === null ? null : el('p', {}, [el('progress', { max: 100, value: p.percent }), ' ' + p.percent + '%'])]);
  }

  function runSummary(run) {
    var c = run.counters;
    return el('div', { id: 'run-summary' }, [
      el('div', { 'class': 'row' }, [el('h2', { text: 'Run #' + run.id + ' — ' + run.mapping }), badge(run.status),
        run.cancelRequested && (run.status === 'running' || run.status === 'queued') ? el('span', { 'class': 'muted', text: 'cancel requested' }) : null]),
      run.error ? notice(run.error, true) : null,
      el('div', { 'class': 'card' }, [facts([['Trigger', run.trigger], ['Mode', run.mode + (run.dryRun ? ' (dry run)' : '')],
        ['Requested by', run.requestedBy || '—'], ['Only keys', run.erpKeys ? run.erpKeys.join(', ') : 'all'],
        ['Created', when(run.createdAt)], ['Started', when(run.startedAt)], ['Finished', when(run.finishedAt)],
        ['Rows read', c.rowsRead], ['Created / updated / deleted', c.created + ' / ' + c.updated + ' / ' + c.deleted],
        ['Unchanged', c.unchanged], ['Failed', c.failed],
        ['Cursor', run.cursorFrom || run.cursorTo ? value(run.cursorFrom) + ' → ' + value(run.cursorTo) : '—'],
        ['Operations', OPERATION_STATUSES.map(function (s) { return s.replace('_', ' ') + ': ' + run.operations[s]; }).join(' · ')]])]),
      progressBox(run)]);
  }

  async function showRun(id, params) {
    var serial = viewSerial;
    var run = await api('/admin/runs/' + encodeURIComponent(id));
    if (serial !== viewSerial) { return; }
    var summary = runSummary(run);
    var message = el('div');
    async function command(path, label) {
      try {
        var result = await api('/admin/runs/' + run.id + '/' + path, 'POST');
        if (result.runId !== run.id) { location.hash = '#/runs/' + result.runId; } else { route(); }
      } catch (error) { clear(message).appendChild(notice(label + ' failed: ' + error.message, true)); }
    }
    var buttons = el('p', { 'class': 'row' }, [
      el('a', { href: '#/runs', text: '← All runs' }),
      el('button', { type: 'button', 'class': 'danger', text: 'Cancel run', disabled: !(run.status === 'running' || run.status === 'queued'),
        onclick: function () { command('cancel', 'Cancel'); } }),
      el('button', { type: 'button', text: 'Retry failed rows', disabled: !(run.operations.failed + run.operations.parked > 0),
        onclick: function () { command('retry', 'Retry'); } })]);
    var operations = el('div', { id: 'operations' });
    show([buttons, message, summary, el('h3', { text: 'Operations' }), operationFilter(run, params), operations]);
    await loadOperations(run.id, params, operations);
    if (run.status === 'running' || run.status === 'queued') {
      pollTimer = setInterval(function () {
        api('/admin/runs/' + run.id).then(function (fresh) {
          if (serial !== viewSerial) { return; }
          var replacement = runSummary(fresh);
          summary.replaceWith(replacement);
          summary = replacement;
          if (fresh.status !== 'running' && fresh.status !== 'queued') { stopPolling(); route(); }
        }).catch(function (error) { stopPolling(); failed(error); });
      }, POLL_MS);
    }
  }

  function operationFilter(run, params) {
    var form = el('form', { 'class': 'inline card', id: 'operation-filter', onsubmit: function (event) {
      event.preventDefault();
      var next = new URLSearchParams();
      ['status', 'action', 'key'].forEach(function (name) { if (form.elements[name].value.trim()) { next.set(name, form.elements[name].value.trim()); } });
      location.hash = '#/runs/' + run.id + (next.toString() ? '?' + next.toString() : '');
    } }, [
      el('label', {}, ['Status', el('select', { name: 'status' }, options(OPERATION_STATUSES, params.get('status'), 'all'))]),
      el('label', {}, ['Action', el('select', { name: 'action' }, options(ACTIONS, params.get('action'), 'all'))]),
      el('label', {}, ['ERP key', el('input', { name: 'key', value: params.get('key') || '' })]),
      el('button', { type: 'submit', text: 'Filter' })]);
    return form;
  }

  async function loadOperations(runId, params, container) {
    var query = new URLSearchParams();
    ['status', 'action', 'key'].forEach(function (name) { if (params.get(name)) { query.set(name, params.get(name)); } });
    var body = el('tbody');
    var more = el('button', { type: 'button', text: 'Load more', hidden: true });
    clear(container).appendChild(el('table', {}, [el('thead', {}, [el('tr', {}, ['Op', 'ERP key', 'Action', 'Status', 'Deal', 'Attempt', 'Changes', 'Error'].map(function (h) {
      return el('th', { text: h });
    }))]), body]));
    container.appendChild(el('p', {}, [more]));
    async function load(cursor) {
      if (cursor) { query.set('cursor', cursor); }
      var page = await api('/admin/runs/' + runId + '/operations?' + query.toString());
      page.items.forEach(function (op) {
        body.appendChild(el('tr', { 'class': 'operation ' + op.status }, [cell(op.id), cell(recordLink(op.mapping, op.erpKey)), cell(op.action),
          cell(badge(op.status)), cell(op.dealId === null ? '—' : op.dealId), cell(op.attempt), cell(changesList(op.changes)), cell(errorText(op.error))]));
      });
      if (page.items.length === 0 && !cursor) { body.appendChild(el('tr', {}, [el('td', { colspan: 8, 'class': 'muted', text: 'No operations match.' })])); }
      more.hidden = !page.nextCursor;
      more.onclick = function () { load(page.nextCursor).catch(failed); };
    }
    await load(null);
  }

  async function showRecord(mapping, key) {
    var serial = viewSerial;
    var record = await api('/admin/records/' + encodeURIComponent(mapping) + '/' + encodeURIComponent(key));
    if (serial !== viewSerial) { return; }
    var link = record.link;
    var linkCard = link ? el('div', { 'class': 'card' }, [facts([['Deal', link.dealId === null ? 'not created yet' : '#' + link.dealId],
      ['Last synced', when(link.syncedAt)], ['Removed in CRM', link.removed ? 'yes' : 'no'], ['Failed attempts', link.failedAttempts],
      ['Parked', link.parked ? 'yes — needs an operator' : 'no'], ['Next retry', when(link.retryAt)],
      ['Last error', link.lastError ? el('span', { 'class': 'error', text: link.lastError }) : '—']]),
      link.payload ? el('details', {}, [el('summary', { text: 'Last pushed fields' }), table(['Field', 'Value'],
        Object.keys(link.payload).map(function (f) { return el('tr', {}, [cell(el('span', { 'class': 'field', text: f })), cell(value(link.payload[f]))]); }))]) : null])
      : notice('No link yet: this row has never been confirmed in Bitrix24.');
    var timeline = el('div', { 'class': 'timeline', id: 'timeline' }, record.operations.map(function (op) {
      return el('div', { 'class': 'card ' + op.status }, [
        el('div', { 'class': 'row' }, [el('b', { text: when(op.createdAt) }), badge(op.status),
          el('span', { text: op.action + ' in run' }), runLink(op.runId),
          op.dealId === null ? null : el('span', { 'class': 'muted', text: 'deal #' + op.dealId }),
          el('span', { 'class': 'muted', text: 'attempt ' + op.attempt })]),
        changesList(op.changes), errorText(op.error)]);
    }));
    show([el('p', {}, [el('a', { href: '#/runs', text: '← All runs' })]),
      el('h2', {}, ['Record ', el('span', { 'class': 'mono', text: key }), ' of ', el('b', { text: mapping })]), linkCard,
      el('h3', { text: 'Timeline (newest first)' }), record.operations.length ? timeline : notice('No operations in the sync log (retention may have pruned them).'),
      record.truncated ? notice('Older operations are not shown.') : null]);
  }

  function route() {
    stopPolling();
    viewSerial++;
    if (!sessionStorage.getItem(TOKEN_KEY)) { showLogin(null); return; }
    var hash = location.hash.replace(/^#/, '') || '/runs';
    var parts = hash.split('?');
    var path = parts[0].split('/').filter(Boolean).map(decodeURIComponent);
    var params = new URLSearchParams(parts[1] || '');
    var view;
    if (path[0] === 'runs' && path.length === 2) { view = showRun(path[1], params); }
    else if (path[0] === 'records' && path.length === 3) { view = showRecord(path[1], path[2]); }
    else { view = showRuns(params); }
    view.catch(failed);
  }

  document.getElementById('forget').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN_KEY);
    route();
  });
  window.addEventListener('hashchange', route);
  route();
})();
`;
