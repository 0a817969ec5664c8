/* Nộp hồ sơ: client-side checks from the JSON Schema's constraints (rendered as attributes),
   uploads straight to S3 with a progress bar, review, submit, receipt. The server checks
   everything again; its errors (details[].field) are shown at the matching control. */
(function () {
  'use strict';
  var form = document.getElementById('apply');
  if (!form) return;
  var h = DVC.h;
  var info = JSON.parse(document.getElementById('apply-data').textContent);
  var summary = document.getElementById('error-summary');
  var fill = document.getElementById('step-fill');
  var review = document.getElementById('step-review');
  var done = document.getElementById('step-done');
  var uploads = {}; // component code -> {upload_id?, filename, size, busy?}
  var idempotencyKey = null;
  var lastSent = null;

  /* ---- repeatable groups (e.g. several business lines) ---- */
  form.querySelectorAll('fieldset.repeat').forEach(function (fs) {
    var rows = fs.querySelector('.rows');
    var min = Math.max(Number(fs.dataset.min || 0), 1);
    var max = Number(fs.dataset.max || 0);
    var add = fs.querySelector('.add-row');
    rows.querySelectorAll(':scope > [data-row]').forEach(function (row, i) { row.dataset.index = i; });
    function refresh() {
      var all = rows.querySelectorAll(':scope > [data-row]');
      all.forEach(function (row, i) { reindex(row, fs, Number(row.dataset.index), i); });
      add.hidden = max > 0 && all.length >= max;
      all.forEach(function (row) { row.querySelector('.remove-row').hidden = all.length <= min; });
    }
    add.addEventListener('click', function () {
      var n = rows.querySelectorAll(':scope > [data-row]').length;
      var holder = document.createElement('div');
      holder.innerHTML = fs.querySelector('template').innerHTML
        .split('__i__').join(String(n)).split('__n__').join(String(n + 1));
      var row = holder.firstElementChild;
      row.dataset.index = n;
      DVC.add(rows, row);
      refresh();
      DVC.focusable(row).focus();
      changed();
    });
    rows.addEventListener('click', function (e) {
      var button = e.target.closest('.remove-row');
      if (!button) return;
      button.closest('[data-row]').remove();
      refresh();
      add.focus();
      changed();
    });
    refresh();
  });

  function reindex(row, fs, from, to) {
    if (from === to) return;
    var p1 = fs.dataset.path + '[' + from + ']', p2 = fs.dataset.path + '[' + to + ']';
    var i1 = fs.id + '-' + from, i2 = fs.id + '-' + to;
    function fixId(v) {
      return v.split(' ').map(function (t) {
        return t === i1 || t.indexOf(i1 + '-') === 0 ? i2 + t.slice(i1.length) : t;
      }).join(' ');
    }
    function fixPath(v) { return v.indexOf(p1) === 0 ? p2 + v.slice(p1.length) : v; }
    [row].concat(Array.from(row.querySelectorAll('*'))).forEach(function (el) {
      ['id', 'for', 'aria-describedby'].forEach(function (a) { if (el.hasAttribute(a)) el.setAttribute(a, fixId(el.getAttribute(a))); });
      ['name', 'data-path'].forEach(function (a) { if (el.hasAttribute(a)) el.setAttribute(a, fixPath(el.getAttribute(a))); });
    });
    row.dataset.index = to;
    row.querySelectorAll('.row-number').forEach(function (s) { s.textContent = to + 1; });
  }

  /* ---- the applicant's details also fill the declaration's "người yêu cầu" ---- */
  var COPY = { 'applicant.full_name': 'ho_ten', 'applicant.id_number': 'so_dinh_danh', 'applicant.phone': 'so_dien_thoai' };
  Object.keys(COPY).forEach(function (path) {
    var source = DVC.byPath(form, path);
    var target = DVC.byPath(form, 'form.nguoi_yeu_cau.' + COPY[path]);
    if (!source || !target) return;
    source.addEventListener('change', function () {
      if (!target.value || target.value === target.dataset.copied) {
        target.value = source.value.trim();
        target.dataset.copied = target.value;
      }
    });
  });

  function changed() { idempotencyKey = null; }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  /* ---- validation ---- */
  function parentGroup(el) { return el.parentElement && el.parentElement.closest('fieldset.group'); }
  function filled(group) {
    return Array.from(group.querySelectorAll('input, select, textarea')).some(function (c) {
      return c.type === 'radio' || c.type === 'checkbox' ? c.checked : c.value.trim() !== '';
    });
  }
  function active(group) {
    if (!group || !group.hasAttribute('data-optional')) return true;
    if (filled(group)) return true;
    return group.hasAttribute('data-group-required') && active(parentGroup(group));
  }
  function isRequired(el) {
    if (el.required || el.hasAttribute('data-required')) return true;
    return el.hasAttribute('data-group-required') && active(parentGroup(el));
  }
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  function problemOf(el) {
    var label = el.dataset.label;
    var v = el.value.trim();
    if (!v) return isRequired(el) ? label + ': ' + (el.tagName === 'SELECT' ? 'vui lòng chọn' : 'bắt buộc phải nhập') : null;
    var length = Array.from(v).length;
    if (el.dataset.pattern && !new RegExp(el.dataset.pattern, 'u').test(v)) return label + ': ' + (el.dataset.errorMessage || 'không đúng định dạng');
    if (el.hasAttribute('minlength') && length < Number(el.getAttribute('minlength'))) return label + ': phải có ít nhất ' + el.getAttribute('minlength') + ' ký tự';
    if (el.hasAttribute('maxlength') && length > Number(el.getAttribute('maxlength'))) return label + ': không được dài quá ' + el.getAttribute('maxlength') + ' ký tự';
    if (el.type === 'email' && !EMAIL.test(v)) return label + ': không đúng định dạng địa chỉ email';
    if (el.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return label + ': không đúng định dạng ngày';
    if (el.type === 'number') {
      var n = Number(v);
      if (!isFinite(n)) return label + ': phải là số';
      if (el.dataset.type === 'integer' && !Number.isInteger(n)) return label + ': phải là số nguyên';
      if (el.hasAttribute('min') && n < Number(el.getAttribute('min'))) return label + ': phải lớn hơn hoặc bằng ' + el.getAttribute('min');
      if (el.hasAttribute('max') && n > Number(el.getAttribute('max'))) return label + ': phải nhỏ hơn hoặc bằng ' + el.getAttribute('max');
      if (el.dataset.exclusiveMin !== undefined && n <= Number(el.dataset.exclusiveMin)) return label + ': phải lớn hơn ' + el.dataset.exclusiveMin;
    }
    return null;
  }

  /* "Mẹ – Họ và tên: …" in the summary, so that fields with the same label can be told apart. */
  function within(el) {
    var group = parentGroup(el);
    if (!group || /^f-(form|applicant|attachments)$/.test(group.id)) return '';
    return legendText(group) + ' – ';
  }

  function validate() {
    DVC.clearErrors(fill);
    var items = [];
    function add(el, message) { items.push({ id: DVC.fieldError(el, message), message: within(el) + message }); }
    fill.querySelectorAll('input[data-path]:not([type=radio]):not([type=checkbox]):not([type=file]), select[data-path], textarea[data-path]').forEach(function (el) {
      var problem = problemOf(el);
      if (problem) add(el, problem);
    });
    fill.querySelectorAll('fieldset.choice').forEach(function (fs) {
      var checked = fs.querySelectorAll('input:checked').length;
      var label = fs.dataset.label || fs.querySelector('legend').firstChild.textContent.trim();
      if (!checked && isRequired(fs)) add(fs, label + ': vui lòng chọn');
      else if (checked && fs.dataset.min && checked < Number(fs.dataset.min)) add(fs, label + ': chọn ít nhất ' + fs.dataset.min + ' mục');
    });
    fill.querySelectorAll('.upload').forEach(function (box) {
      var input = box.querySelector('input[type=file]');
      var state = uploads[box.dataset.component];
      if (state && state.busy) add(input, input.dataset.label + ': tệp đang được tải lên, vui lòng chờ trong giây lát');
      else if (!state && input.required) add(input, input.dataset.label + ': vui lòng tải lên tệp');
    });
    var email = DVC.byPath(form, 'applicant.email');
    var byEmail = form.querySelector('input[name=notify][value=email]');
    if (byEmail && byEmail.checked && !email.value.trim()) add(email, 'Thư điện tử (email): cần nhập để nhận thông báo qua email');
    return items;
  }

  /* ---- the JSON body, built from each control's path ---- */
  function collect() {
    var body = DVC.collectFields(fill, { procedure_code: info.code, applicant: {}, form: {}, attachments: [], notify: [] });
    Object.keys(uploads).forEach(function (code) {
      if (uploads[code].upload_id) body.attachments.push({ component_code: code, upload_id: uploads[code].upload_id });
      else if (uploads[code].document_id) body.attachments.push({ component_code: code, document_id: uploads[code].document_id });
    });
    body.form = body.form || {};
    return body;
  }

  /* ---- uploads, or a document reused from the citizen's wallet ---- */
  fill.querySelectorAll('.upload input[type=file]').forEach(function (input) {
    input.addEventListener('change', function () { upload(input); });
  });
  fill.querySelectorAll('.upload select[data-reuse-for]').forEach(function (select) {
    select.addEventListener('change', function () { reuse(select); });
  });
  function reuse(select) {
    var box = select.closest('.upload');
    var code = box.dataset.component;
    var input = box.querySelector('input[type=file]');
    var status = document.getElementById(input.id + '-status');
    box.attempt = {}; // an upload still in flight no longer counts
    DVC.clearErrors(box);
    box.querySelector('.upload-status').hidden = true;
    input.value = '';
    delete uploads[code];
    status.className = 'upload-text';
    status.textContent = '';
    var option = select.selectedOptions[0];
    if (select.value) {
      uploads[code] = { document_id: select.value, filename: option.dataset.name, size: Number(option.dataset.size) };
      status.textContent = 'Dùng lại từ kho giấy tờ: ' + option.dataset.name;
      status.className = 'upload-text ok';
    }
    changed();
  }
  async function upload(input) {
    var box = input.closest('.upload');
    var code = box.dataset.component;
    var status = document.getElementById(input.id + '-status');
    var bar = document.getElementById(input.id + '-progress');
    var picker = box.querySelector('select[data-reuse-for]');
    if (picker) picker.value = ''; // a new file replaces a reused document
    var attempt = {};
    box.attempt = attempt;
    DVC.clearErrors(box);
    status.className = 'upload-text';
    delete uploads[code];
    var file = input.files[0];
    box.querySelector('.upload-status').hidden = true;
    status.textContent = '';
    if (!file) return;
    function fail(message) {
      if (box.attempt !== attempt) return;
      delete uploads[code];
      box.querySelector('.upload-status').hidden = true;
      status.textContent = '';
      DVC.fieldError(input, input.dataset.label + ': ' + message);
    }
    var types = box.dataset.types.split(',');
    if (types.indexOf(file.type) < 0) return fail('chỉ nhận tệp ' + box.dataset.typesLabel);
    if (file.size > Number(box.dataset.max)) return fail('tệp lớn hơn ' + box.dataset.maxMb + ' MB; hãy chụp lại với độ phân giải thấp hơn hoặc quét thành PDF');
    if (!file.size) return fail('tệp rỗng, vui lòng chọn tệp khác');
    uploads[code] = { busy: true, filename: file.name, size: file.size };
    box.querySelector('.upload-status').hidden = false;
    bar.value = 0;
    status.textContent = 'Đang tải lên “' + file.name + '”…';
    var answer = await DVC.api('POST', '/v1/uploads', {
      body: { procedure_code: info.code, component_code: code, filename: file.name, content_type: file.type, size_bytes: file.size },
    });
    if (box.attempt !== attempt) return;
    if (answer.status !== 201) {
      var details = (answer.data.error.details || []).map(function (d) { return d.message; }).join('; ');
      return fail(details || DVC.message(answer.data));
    }
    try {
      await DVC.upload(answer.data.url, answer.data.fields, file, function (pct) {
        if (box.attempt !== attempt) return;
        bar.value = pct;
        bar.setAttribute('aria-valuetext', pct + '%');
      });
    } catch (e) {
      return fail('tải tệp lên không thành công. Vui lòng kiểm tra mạng và chọn lại tệp.');
    }
    if (box.attempt !== attempt) return;
    bar.value = 100;
    uploads[code] = { upload_id: answer.data.upload_id, filename: file.name, size: file.size };
    status.textContent = 'Đã tải lên: ' + file.name + ' (' + DVC.fmt.size(file.size) + ')';
    status.className = 'upload-text ok';
    changed();
  }

  /* ---- steps ---- */
  function show(step) {
    fill.hidden = step !== 'fill';
    review.hidden = step !== 'review';
    done.hidden = step !== 'done';
    document.querySelectorAll('.stepper li').forEach(function (li) {
      if (li.dataset.step === step) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var items = validate();
    if (items.length) return DVC.summary(summary, items);
    summary.hidden = true;
    renderReview();
    show('review');
    window.scrollTo(0, 0);
    document.getElementById('review-title').focus();
  });
  document.getElementById('back-to-fill').addEventListener('click', function () {
    show('fill');
    window.scrollTo(0, 0);
    DVC.focusable(fill).focus();
  });

  function legendText(fs) {
    var legend = fs.querySelector(':scope > legend').cloneNode(true);
    legend.querySelectorAll('.optional, .req').forEach(function (s) { s.remove(); });
    return legend.textContent.replace(/\s+/g, ' ').trim();
  }
  function valueOf(node) {
    if (node.matches('.upload')) {
      var state = uploads[node.dataset.component];
      var input = node.querySelector('input');
      if (state && state.document_id) return [input.dataset.label, state.filename + ' (dùng lại từ kho giấy tờ)'];
      return state && state.upload_id ? [input.dataset.label, state.filename + ' (' + DVC.fmt.size(state.size) + ')'] : null;
    }
    if (node.matches('fieldset.choice')) {
      var picked = Array.from(node.querySelectorAll('input:checked')).map(function (c) {
        return node.querySelector('label[for="' + c.id + '"]').textContent.trim();
      });
      return picked.length ? [legendText(node), picked.join(', ')] : null;
    }
    var control = node.querySelector('[data-path]');
    if (!control) return null;
    if (control.type === 'checkbox') return control.checked ? [control.dataset.label, 'Có'] : null;
    var v = control.tagName === 'SELECT' ? (control.value ? control.selectedOptions[0].textContent : '') : control.value.trim();
    if (control.type === 'date' && v) v = DVC.fmt.date(v);
    return v ? [control.dataset.label, v] : null;
  }
  function reviewOf(container, level) {
    var out = document.createDocumentFragment();
    var dl = null;
    Array.from(container.children).forEach(function (child) {
      if (child.matches('fieldset.group')) {
        var inner = reviewOf(child, level + 1);
        if (inner.childNodes.length) DVC.add(out, h('h' + Math.min(level, 6), { text: legendText(child) }), inner);
        dl = null;
        return;
      }
      if (child.matches('.rows, [data-row]')) { DVC.add(out, reviewOf(child, level)); dl = null; return; }
      if (!child.matches('[data-field], .field, fieldset.choice, .upload')) return;
      var item = valueOf(child);
      if (!item) return;
      if (!dl) { dl = h('dl'); DVC.add(out, dl); }
      DVC.add(dl, h('dt', { text: item[0] }), h('dd', { text: item[1] }));
    });
    return out;
  }
  function renderReview() {
    var box = document.getElementById('review-content');
    box.textContent = '';
    box.className = 'review';
    DVC.add(box, reviewOf(fill, 3));
  }

  /* ---- submit ---- */
  document.getElementById('submit').addEventListener('click', async function () {
    var consent = document.getElementById('f-consent');
    DVC.clearErrors(review);
    if (!consent.checked) {
      var message = 'Vui lòng đánh dấu lời cam đoan trước khi nộp';
      return DVC.summary(summary, [{ id: DVC.fieldError(consent, message), message: message }], 'Còn 1 mục cần làm');
    }
    var button = this;
    var status = document.getElementById('submit-status');
    var body = collect();
    idempotencyKey = idempotencyKey || DVC.uuid();
    button.disabled = true;
    status.textContent = 'Đang nộp hồ sơ, vui lòng chờ…';
    lastSent = body;
    var answer = await DVC.api('POST', '/v1/dossiers', { body: body, headers: { 'Idempotency-Key': idempotencyKey } });
    button.disabled = false;
    status.textContent = '';
    if (answer.status === 201) return finished(answer.data);
    if (answer.status === 409) idempotencyKey = null;
    serverErrors(answer.data.error);
  });

  function targetFor(field) {
    var m = /^attachments\[(\d+)\]/.exec(field);
    if (m && lastSent && lastSent.attachments[m[1]]) field = 'attachments.' + lastSent.attachments[m[1]].component_code;
    var el = DVC.byPath(fill, field);
    while (!el && /[.[]/.test(field)) {
      field = field.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
      el = DVC.byPath(fill, field);
    }
    return el;
  }
  function serverErrors(error) {
    show('fill');
    DVC.clearErrors(fill);
    var details = error.details || [];
    var items = details.map(function (d) {
      var el = targetFor(d.field);
      var text = d.message;
      var label = el && (el.dataset.label || (el.matches('fieldset') ? legendText(el) : ''));
      if (label && text.indexOf(label) !== 0) text = label + ': ' + text.charAt(0).toLowerCase() + text.slice(1);
      return { id: el ? DVC.fieldError(el, text) : null, message: el ? within(el) + text : text };
    });
    if (!items.length) items = [{ id: null, message: DVC.message({ error: error }) }];
    DVC.summary(summary, items, details.length ? 'Hồ sơ còn ' + items.length + ' mục cần sửa' : 'Chưa nộp được hồ sơ');
  }

  function finished(created) {
    summary.hidden = true;
    form.hidden = true;
    document.getElementById('done-code').textContent = created.code;
    var facts = document.getElementById('done-facts');
    facts.textContent = '';
    [
      ['Thời điểm nộp', DVC.fmt.datetime(created.submitted_at)],
      ['Cơ quan kiểm tra và tiếp nhận trước', DVC.fmt.datetime(created.acknowledge_by)],
      ['Ngày hẹn trả kết quả (dự kiến)', DVC.fmt.datetime(created.due_at)],
      ['Phí, lệ phí', DVC.fmt.vnd(created.fee_due)],
    ].forEach(function (row) { DVC.add(facts, h('div', {}, h('dt', { text: row[0] }), h('dd', { text: row[1] }))); });
    document.getElementById('done-receipt').href = created.receipt_url;
    document.getElementById('done-lookup').href = document.getElementById('signed-in') ? '/ho-so-cua-toi/' + encodeURIComponent(created.code) : '/tra-cuu?ma=' + encodeURIComponent(created.code);
    show('done');
    window.scrollTo(0, 0);
    document.getElementById('done-title').focus();
  }
})();
