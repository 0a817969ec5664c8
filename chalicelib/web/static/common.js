/* Cổng DVC: helpers shared by every page (no framework, no build step).
   Signed-in pages rely on the HttpOnly session cookie: no token is ever visible to scripts. */
(function () {
  'use strict';
  var DVC = (window.DVC = {});
  DVC.features = new Set((document.body.dataset.features || '').split(' ').filter(Boolean));

  var OFFLINE = 'Không kết nối được tới Cổng. Vui lòng kiểm tra mạng rồi thử lại; thông tin bạn đã nhập vẫn được giữ nguyên.';
  var BROKEN = 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút; thông tin bạn đã nhập vẫn được giữ nguyên.';

  /* Call the JSON API on the same origin: {status, data}; never throws. */
  DVC.api = async function (method, path, opts) {
    opts = opts || {};
    var headers = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
    /* Signed-in pages carry the session's CSRF token; the session cookie itself is HttpOnly. */
    var csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf.content;
    Object.assign(headers, opts.headers || {});
    var response;
    try {
      response = await fetch(path, {
        method: method, headers: headers, cache: 'no-store', credentials: 'same-origin',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      return { status: 0, data: { error: { code: 'NETWORK', message: OFFLINE } } };
    }
    var data = null;
    var type = response.headers.get('Content-Type') || '';
    try { data = type.indexOf('json') >= 0 ? await response.json() : await response.text(); } catch (e) { data = null; }
    if (response.status >= 400 && !(data && data.error)) {
      data = { error: { code: 'INTERNAL', message: BROKEN } };
    }
    return { status: response.status, data: data };
  };

  /* Build DOM safely (text is never parsed as HTML). */
  DVC.h = function (tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  /* Append children, skipping null/false (the native append would print "null"). */
  DVC.add = function (el) {
    for (var i = 1; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  /* ISO 8601 with its own offset (+07:00) is shown as written: no time-zone arithmetic. */
  DVC.fmt = {
    datetime: function (iso) {
      if (!iso) return '—';
      var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
      return m ? m[4] + ':' + m[5] + ' ngày ' + m[3] + '/' + m[2] + '/' + m[1] : iso;
    },
    date: function (iso) {
      if (!iso) return '—';
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
      return m ? m[3] + '/' + m[2] + '/' + m[1] : iso;
    },
    vnd: function (n) {
      if (!n) return 'Miễn phí';
      return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.') + ' đồng';
    },
    size: function (bytes) {
      return bytes >= 1048576 ? (bytes / 1048576).toFixed(1).replace('.', ',') + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB';
    },
  };

  DVC.uuid = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  };

  /* A JSON body from the named controls under `root`: each control's name is its path in the
     body (`form.nguoi_yeu_cau.ho_ten`, `notify`), its data-type says how to read its value. */
  function setPath(obj, path, value, push) {
    var keys = path.match(/[^.[\]]+/g);
    var node = obj;
    keys.forEach(function (key, i) {
      var last = i === keys.length - 1;
      if (last) {
        if (push) (node[key] = node[key] || []).push(value);
        else node[key] = value;
        return;
      }
      if (node[key] === undefined) node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      node = node[key];
    });
  }
  DVC.collectFields = function (root, body) {
    root.querySelectorAll('input[name], select[name], textarea[name]').forEach(function (el) {
      if (el.type === 'file') return;
      var choice = el.closest('fieldset.choice');
      var type = el.dataset.type || (choice ? choice.dataset.type : undefined);
      if (el.type === 'radio') { if (el.checked) setPath(body, el.name, el.value); return; }
      if (el.type === 'checkbox') {
        if (el.dataset.type === 'boolean') { if (el.checked) setPath(body, el.name, true); return; }
        if (el.checked) setPath(body, el.name, el.value, true);
        return;
      }
      var v = el.value.trim();
      if (!v) return;
      if (type === 'integer' || type === 'number') v = Number(v);
      if (type === 'lines') v = v.split('\n').map(function (s) { return s.trim(); }).filter(Boolean);
      setPath(body, el.name, v);
    });
    return body;
  };

  /* POST a file to S3 with the presigned form fields; onProgress(percent). */
  DVC.upload = function (url, fields, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      Object.keys(fields).forEach(function (k) { data.append(k, fields[k]); });
      data.append('file', file);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100));
      };
      xhr.onload = function () { (xhr.status >= 200 && xhr.status < 300 ? resolve : reject)(xhr.status); };
      xhr.onerror = function () { reject(0); };
      xhr.send(data);
    });
  };

  /* ---- errors: inline at the field, and a summary at the top with links to the fields ---- */
  DVC.byPath = function (root, path) {
    return root.querySelector('[data-path="' + CSS.escape(path) + '"]');
  };
  DVC.focusable = function (el) {
    if (!el) return null;
    if (el.matches('input, select, textarea, button')) return el;
    return el.querySelector('input:not([type=hidden]), select, textarea, button');
  };
  DVC.clearErrors = function (root) {
    root.querySelectorAll('.field-error').forEach(function (p) { p.hidden = true; p.textContent = ''; });
    root.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    root.querySelectorAll('.invalid').forEach(function (el) { el.classList.remove('invalid'); });
  };
  /* Show `message` at `el` (a control or a fieldset); returns the id to link to. */
  DVC.fieldError = function (el, message) {
    var slot = document.getElementById(el.id + '-error');
    if (slot) {
      slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + message;
      slot.hidden = false;
    }
    var box = el.closest('[data-field], .field, fieldset.choice, fieldset.group');
    if (box) box.classList.add('invalid');
    var control = DVC.focusable(el);
    if (control && control.matches('input, select, textarea')) control.setAttribute('aria-invalid', 'true');
    return control ? control.id : el.id;
  };
  /* items: [{id, message}] */
  DVC.summary = function (box, items, title) {
    var list = box.querySelector('ul');
    list.textContent = '';
    items.forEach(function (item) {
      var li = item.id
        ? DVC.h('li', {}, DVC.h('a', { href: '#' + item.id, onclick: function (e) {
            e.preventDefault();
            var target = document.getElementById(item.id);
            if (target) { target.focus(); target.scrollIntoView({ block: 'center' }); }
          } }, item.message))
        : DVC.h('li', { text: item.message });
      list.append(li);
    });
    var count = box.querySelector('[data-count]');
    if (count) count.textContent = items.length;
    var heading = box.querySelector('h2');
    if (title && heading) heading.textContent = title;
    box.hidden = false;
    box.focus();
    box.scrollIntoView({ block: 'start' });
  };
  DVC.message = function (error) {
    return (error && error.error && error.error.message) || BROKEN;
  };

  /* A status shown in a live region (read out by screen readers). */
  DVC.say = function (el, text, kind) {
    el.textContent = text;
    el.className = 'notice' + (kind ? ' ' + kind : '');
    el.hidden = !text;
  };

  DVC.safeNext = function (value, fallback) {
    return value && value.charAt(0) === '/' && value.charAt(1) !== '/' ? value : fallback;
  };
})();
