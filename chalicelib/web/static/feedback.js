/* Phản ánh, kiến nghị: send one (checked here, then by the API) and read published answers. */
(function () {
  'use strict';
  var h = DVC.h;
  var form = document.getElementById('feedback-form');
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  if (form) {
    var summary = document.getElementById('error-summary');
    var key = null;
    form.addEventListener('input', function () { key = null; });
    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(form);
      var items = [];
      function add(el, message) { items.push({ id: DVC.fieldError(el, message), message: message }); }
      var category = form.querySelector('input[name=category]:checked');
      if (!category) add(document.getElementById('f-category'), 'Lĩnh vực phản ánh: vui lòng chọn');
      form.querySelectorAll('input[data-label], textarea[data-label]').forEach(function (el) {
        var v = el.value.trim();
        if (!v) { if (el.required) add(el, el.dataset.label + ': bắt buộc phải nhập'); return; }
        if (el.dataset.pattern && !new RegExp(el.dataset.pattern, 'u').test(v)) add(el, el.dataset.label + ': ' + el.dataset.errorMessage);
        else if (el.type === 'email' && !EMAIL.test(v)) add(el, el.dataset.label + ': không đúng định dạng địa chỉ email');
      });
      if (items.length) return DVC.summary(summary, items);
      var body = { title: '', content: '', category: category.value, sender: {}, public: document.getElementById('f-fb-public').checked };
      form.querySelectorAll('[data-label], select[name=agency]').forEach(function (el) {
        var v = el.value.trim();
        if (!v) return;
        if (el.name.indexOf('sender.') === 0) body.sender[el.name.slice(7)] = v;
        else body[el.name] = el.name === 'dossier_code' ? v.toUpperCase() : v;
      });
      key = key || DVC.uuid();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      var answer = await DVC.api('POST', '/v1/feedback', { body: body, headers: { 'Idempotency-Key': key } });
      button.disabled = false;
      if (answer.status !== 201) {
        var details = answer.data.error.details || [];
        var shown = details.map(function (d) {
          var el = DVC.byPath(form, d.field);
          return { id: el ? DVC.fieldError(el, d.message) : null, message: d.message };
        });
        return DVC.summary(summary, shown.length ? shown : [{ id: null, message: DVC.message(answer.data) }], shown.length ? null : 'Chưa gửi được phản ánh');
      }
      summary.hidden = true;
      form.hidden = true;
      var done = document.getElementById('feedback-done');
      DVC.add(done, 
        h('h2', { text: 'Đã gửi phản ánh, kiến nghị' }),
        h('p', {}, 'Mã phản ánh: ', h('strong', { class: 'dossier-code', text: answer.data.id })),
        h('p', {}, h('a', { href: '/phan-anh/tra-cuu?ma=' + encodeURIComponent(answer.data.id), text: 'Theo dõi phản ánh này' })),
        h('p', { text: 'Hãy ghi lại mã này. Cơ quan sẽ phân loại và trả lời bạn' + (answer.data.forward_by ? '; phản ánh được chuyển đến cơ quan có thẩm quyền trước ' + DVC.fmt.datetime(answer.data.forward_by) : '') + '.' }));
      done.hidden = false;
      done.focus();
    });
  }

  var list = document.getElementById('feedback-answers');
  if (!list) return;
  var more = document.getElementById('answers-more');
  var next = null;
  var first = true;
  async function load() {
    var answer = await DVC.api('GET', '/v1/feedback?status=answered' + (next ? '&page_token=' + encodeURIComponent(next) : ''));
    if (first) { list.textContent = ''; first = false; }
    if (answer.status !== 200) { DVC.add(list, h('p', { text: DVC.message(answer.data) })); return; }
    answer.data.items.forEach(function (f) {
      DVC.add(list, h('article', { class: 'card' },
        h('h3', { class: 'card-title', text: f.title }),
        h('p', { class: 'meta', text: (f.category && f.category.label || '') + ' · Gửi ngày ' + DVC.fmt.date(f.received_at) }),
        h('p', { text: f.content }),
        f.answer ? h('div', { class: 'notice ok' },
          h('p', {}, h('strong', { text: 'Trả lời của ' + (f.answer.agency && f.answer.agency.name || 'cơ quan') + ' (' + DVC.fmt.date(f.answer.answered_at) + '):' })),
          h('p', { text: f.answer.text })) : null));
    });
    if (!list.children.length) DVC.add(list, h('p', { text: 'Chưa có câu trả lời nào được công khai.' }));
    next = answer.data.next_page_token;
    more.hidden = !next;
  }
  more.addEventListener('click', load);
  load();
})();
