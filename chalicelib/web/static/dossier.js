/* One dossier as its applicant sees it: on /tra-cuu (code + phone, sent by script, never in
   the page's URL) and on /ho-so-cua-toi/{code} (signed in). Shows what is asked of the citizen
   and offers only the steps the running API supports (body[data-features]). */
(function () {
  'use strict';
  var h = DVC.h;
  var view = document.getElementById('dossier-view');
  if (!view) return;
  var message = document.getElementById('lookup-message');
  var TONE = {
    result_ready: 'good', returned: 'good', accepted: 'good', in_progress: '',
    supplement_requested: 'warn', awaiting_payment: 'warn',
    rejected: 'bad', stopped: 'bad', withdrawn: 'bad', submitted: '',
  };
  var OUTCOMES = { approved: 'Được giải quyết', refused: 'Từ chối giải quyết', rejected: 'Không được tiếp nhận', stopped: 'Dừng xử lý', withdrawn: 'Đã rút hồ sơ' };
  DVC.dossierExtras = DVC.dossierExtras || []; // (dossier, ctx) -> node: payment, result, rating…

  /* ctx: {phone?} — how this page proves the right to see the dossier (else the session). */
  function path(code, suffix) {
    return '/v1/dossiers/' + encodeURIComponent(code) + (suffix || '');
  }
  async function load(code, ctx) {
    var query = ctx.phone ? '?phone=' + encodeURIComponent(ctx.phone) : '';
    return DVC.api('GET', path(code) + query);
  }
  DVC.loadDossier = load;
  DVC.dossierPath = path;

  function fact(label, value) { return h('div', {}, h('dt', { text: label }), h('dd', {}, value)); }

  function render(d, ctx) {
    view.textContent = '';
    var requested = d.requested || null;
    var facts = h('dl', { class: 'facts' },
      fact('Thủ tục', d.procedure.name),
      fact('Cơ quan giải quyết', d.agency.name || d.agency.id),
      d.handling_officer ? fact('Cán bộ đang giải quyết', d.handling_officer.name) : null,
      d.applicant_name ? fact('Người nộp', d.applicant_name) : null,
      fact('Thời điểm nộp', DVC.fmt.datetime(d.submitted_at)),
      d.status === 'submitted' ? fact('Cơ quan tiếp nhận trước', DVC.fmt.datetime(d.acknowledge_by)) : null,
      d.due_at ? fact('Ngày hẹn trả kết quả', DVC.fmt.datetime(d.due_at)) : null,
      d.outcome ? fact('Kết quả', OUTCOMES[d.outcome] || d.outcome) : null,
      fact('Phí, lệ phí', DVC.fmt.vnd(d.fee_due) + (d.fee_paid ? ' (đã nộp ' + DVC.fmt.vnd(d.fee_paid) + ')' : '')));
    DVC.add(view, 
      view.dataset.code
        ? h('h2', { id: 'dossier-title', tabindex: '-1', text: 'Tình trạng hồ sơ' })
        : h('h2', { id: 'dossier-title', tabindex: '-1' }, 'Hồ sơ ', h('span', { class: 'dossier-code-inline', text: d.code })),
      h('p', {}, 'Tình trạng: ', h('span', { class: 'status ' + (TONE[d.status] || ''), 'data-status': d.status, text: d.status_label })),
      requested ? todo(d, requested, ctx) : null,
      facts);
    DVC.dossierExtras.forEach(function (extra) { var node = extra(d, ctx, refresh); if (node) DVC.add(view, node); });
    DVC.add(view, 
      h('h3', { text: 'Quá trình xử lý' }),
      h('ol', { class: 'timeline' }, d.history.map(function (step) {
        return h('li', {},
          h('time', { datetime: step.at, text: DVC.fmt.datetime(step.at) }),
          h('strong', { text: step.action_label || step.action }), ' — ', step.status_label,
          step.note ? h('p', { class: 'help', text: step.note }) : null);
      })),
      h('p', { class: 'actions' },
        h('a', { class: 'btn btn-secondary', href: d.receipt_url, target: '_blank', rel: 'noopener', text: 'In giấy tiếp nhận' }),
        d.can_withdraw ? withdrawButton(d, ctx) : null));
    function refresh(next) { if (next) render(next, ctx); else reload(d.code, ctx); }
  }

  function todo(d, requested, ctx) {
    var box = h('section', { class: 'notice warn', 'aria-labelledby': 'todo-title' },
      h('h3', { id: 'todo-title', text: 'Việc bạn cần làm' }));
    if (requested.type === 'supplement') {
      DVC.add(box, h('p', { text: 'Cơ quan đề nghị bổ sung, hoàn thiện hồ sơ:' }),
        h('ul', {}, (requested.items || []).map(function (i) { return h('li', { text: i }); })),
        requested.note ? h('p', { text: requested.note }) : null);
      if (DVC.features.has('supplements')) DVC.add(box, supplementForm(d, ctx));
      else DVC.add(box, h('p', { text: 'Vui lòng mang giấy tờ bổ sung đến Bộ phận Một cửa.' }));
    } else if (requested.type === 'payment') {
      DVC.add(box, h('p', {}, 'Nộp phí, lệ phí: ', h('strong', { text: DVC.fmt.vnd(requested.amount) }), '.'),
        requested.note ? h('p', { text: requested.note }) : null);
      if (!DVC.features.has('payments')) DVC.add(box, h('p', { text: 'Vui lòng nộp tại Bộ phận Một cửa.' }));
    }
    return box;
  }

  /* ---- answer a supplement request: a note and new files ---- */
  function supplementForm(d, ctx) {
    var form = h('form', { class: 'panel', novalidate: true, id: 'supplement-form' },
      h('h4', { text: 'Gửi hồ sơ bổ sung' }));
    var uploads = {};
    var noteId = 'f-supplement-note';
    DVC.add(form, h('div', { class: 'field', 'data-field': true },
      h('label', { for: noteId, text: 'Nội dung giải trình (không bắt buộc)' }),
      h('p', { class: 'field-error', id: noteId + '-error', hidden: true }),
      h('textarea', { id: noteId, rows: '3', maxlength: '1000', 'data-path': 'note', 'aria-describedby': noteId + '-error' })));
    var files = h('div', { 'data-path': 'attachments', id: 'f-supplement-files' },
      h('p', { class: 'field-error', id: 'f-supplement-files-error', hidden: true }));
    DVC.add(form, files);
    DVC.api('GET', '/v1/procedures/' + encodeURIComponent(d.procedure.code)).then(function (answer) {
      if (answer.status !== 200) return;
      answer.data.components.filter(function (c) { return !c.filled_online; }).forEach(function (c) {
        var id = 'f-supplement-' + c.code.replace(/[^A-Za-z0-9_-]/g, '');
        var bar = h('progress', { max: '100', value: '0', id: id + '-progress', 'aria-label': 'Tiến độ tải lên: ' + c.name, hidden: true });
        var status = h('p', { class: 'upload-text', id: id + '-status', 'aria-live': 'polite' });
        var input = h('input', { type: 'file', id: id, accept: c.file_types.join(','), 'data-path': 'attachments.' + c.code, 'aria-describedby': id + '-error ' + id + '-status' });
        input.addEventListener('change', function () {
          delete uploads[c.code];
          var file = input.files[0];
          var slot = document.getElementById(id + '-error');
          slot.hidden = true;
          if (!file) return;
          uploads[c.code] = { busy: true };
          bar.hidden = false;
          status.textContent = 'Đang tải lên…';
          DVC.api('POST', '/v1/uploads', { body: { procedure_code: d.procedure.code, component_code: c.code, filename: file.name, content_type: file.type || 'application/octet-stream', size_bytes: file.size } })
            .then(function (up) {
              if (up.status !== 201) throw new Error((up.data.error.details || []).map(function (x) { return x.message; }).join('; ') || DVC.message(up.data));
              return DVC.upload(up.data.url, up.data.fields, file, function (p) { bar.value = p; }).then(function () { return up.data.upload_id; },
                function () { throw new Error('Tải tệp lên không thành công. Vui lòng thử lại.'); });
            })
            .then(function (uploadId) {
              uploads[c.code] = { upload_id: uploadId };
              status.textContent = 'Đã tải lên: ' + file.name;
              status.className = 'upload-text ok';
            }, function (err) {
              delete uploads[c.code];
              bar.hidden = true;
              status.textContent = '';
              slot.textContent = err.message;
              slot.hidden = false;
            });
        });
        DVC.add(files, h('div', { class: 'field upload' },
          h('label', { for: id, text: c.name + ' (không bắt buộc)' }),
          h('p', { class: 'field-error', id: id + '-error', hidden: true }),
          input, bar, status));
      });
    });
    var result = h('div', { role: 'alert', hidden: true });
    DVC.add(form, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Gửi bổ sung' })), result);
    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(form);
      var busy = Object.keys(uploads).some(function (k) { return uploads[k].busy; });
      if (busy) return DVC.say(result, 'Tệp đang được tải lên, vui lòng chờ trong giây lát.', 'warn');
      var body = {};
      if (ctx.phone) body.phone = ctx.phone;
      var note = document.getElementById(noteId).value.trim();
      if (note) body.note = note;
      body.attachments = Object.keys(uploads).map(function (k) { return { component_code: k, upload_id: uploads[k].upload_id }; });
      var answer = await DVC.api('POST', path(d.code, '/supplements'), { body: body });
      if (answer.status === 200) { render(answer.data, ctx); DVC.say(message, 'Đã gửi hồ sơ bổ sung. Cơ quan sẽ tiếp tục xử lý.', 'ok'); return; }
      (answer.data.error.details || []).forEach(function (detail) {
        var el = DVC.byPath(form, detail.field.replace(/\[\d+\].*$/, '')) || files;
        DVC.fieldError(el, detail.message);
      });
      DVC.say(result, DVC.message(answer.data), 'error');
    });
    return form;
  }

  function withdrawButton(d, ctx) {
    var wrap = h('span', {});
    var button = h('button', { type: 'button', class: 'btn btn-danger', text: 'Rút hồ sơ' });
    button.addEventListener('click', function () {
      button.hidden = true;
      var reasonId = 'f-withdraw-reason';
      var panel = h('div', { class: 'panel' },
        h('p', { text: 'Rút hồ sơ thì cơ quan sẽ dừng giải quyết. Bạn chắc chắn muốn rút?' }),
        h('label', { for: reasonId, text: 'Lý do (không bắt buộc)' }),
        h('textarea', { id: reasonId, rows: '2', maxlength: '500' }),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn btn-danger', text: 'Xác nhận rút hồ sơ', onclick: async function () {
            var body = {};
            if (ctx.phone) body.phone = ctx.phone;
            var reason = document.getElementById(reasonId).value.trim();
            if (reason) body.reason = reason;
            var answer = await DVC.api('POST', path(d.code, '/withdraw'), { body: body });
            if (answer.status === 200) { render(answer.data, ctx); DVC.say(message, 'Đã rút hồ sơ.', 'ok'); }
            else DVC.say(message, DVC.message(answer.data), 'error');
          } }),
          h('button', { type: 'button', class: 'btn btn-secondary', text: 'Không rút', onclick: function () { panel.remove(); button.hidden = false; button.focus(); } })));
      DVC.add(wrap, panel);
      panel.querySelector('textarea').focus();
    });
    DVC.add(wrap, button);
    return wrap;
  }

  async function reload(code, ctx, announce) {
    var answer = await load(code, ctx);
    if (answer.status === 200) {
      DVC.say(message, '');
      render(answer.data, ctx);
      if (announce) document.getElementById('dossier-title').focus();
      return true;
    }
    view.textContent = '';
    DVC.say(message, DVC.message(answer.data), 'error');
    return false;
  }

  /* ---- /tra-cuu ---- */
  var lookup = document.getElementById('lookup');
  if (lookup) {
    var params = new URLSearchParams(location.search);
    if (params.get('ma')) document.getElementById('f-code').value = params.get('ma');
    var summary = document.getElementById('error-summary');
    var returning = DVC.takeReturning && DVC.takeReturning();
    lookup.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(lookup);
      summary.hidden = true;
      var code = document.getElementById('f-code');
      var phone = document.getElementById('f-phone');
      var items = [];
      code.value = code.value.trim().toUpperCase();
      phone.value = phone.value.replace(/[\s.]/g, '');
      if (!code.value) items.push({ id: DVC.fieldError(code, 'Mã hồ sơ: bắt buộc phải nhập'), message: 'Mã hồ sơ: bắt buộc phải nhập' });
      if (!/^(0|\+84)[0-9]{9}$/.test(phone.value)) {
        var m = 'Số điện thoại: phải gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84)';
        items.push({ id: DVC.fieldError(phone, m), message: m });
      }
      if (items.length) return DVC.summary(summary, items);
      var button = lookup.querySelector('button[type=submit]');
      button.disabled = true;
      await reload(code.value, { phone: phone.value }, true);
      button.disabled = false;
    });
    if (returning) {
      document.getElementById('f-code').value = returning.code;
      document.getElementById('f-phone').value = returning.phone;
      lookup.requestSubmit();
    }
  }

  /* ---- /ho-so-cua-toi/{code} ---- */
  if (view.dataset.code) reload(view.dataset.code, {}); /* the session cookie proves who asks */
})();
