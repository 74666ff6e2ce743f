<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>mnist-desk cannot start</source>
        <translation>mnist-desk 无法启动</translation>
    </message>
    <message>
        <source>The model could not be loaded:
{error}</source>
        <translation>无法加载模型：
{error}</translation>
    </message>
</context>
<context>
    <name>ColourLegend</name>
    <message>
        <source>activation (one colour scale for the whole layer)</source>
        <translation>激活值（整层共用一个色标）</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>The file does not exist.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <source>This is a folder, not an image file.</source>
        <translation>这是一个文件夹，不是图像文件。</translation>
    </message>
    <message>
        <source>This is not a regular file (it is a pipe, a device or a socket), so it is not read.</source>
        <translation>这不是普通文件（而是管道、设备或套接字），因此不会读取。</translation>
    </message>
    <message>
        <source>The file cannot be read (check its permissions).</source>
        <translation>无法读取该文件（请检查文件权限）。</translation>
    </message>
    <message>
        <source>The image is too large to open.</source>
        <translation>图像太大，无法打开。</translation>
    </message>
    <message>
        <source>The image has no pixels.</source>
        <translation>图像没有任何像素。</translation>
    </message>
    <message>
        <source>The file is not an image this app can read, or it is damaged.</source>
        <translation>该文件不是本程序能读取的图像，或者已经损坏。</translation>
    </message>
    <message>
        <source>It holds objects other than weights, which could run code: it was refused.</source>
        <translation>文件中除了权重还有其他对象，可能会执行代码，已拒绝加载。</translation>
    </message>
    <message>
        <source>The file is truncated or damaged.</source>
        <translation>文件不完整或已损坏。</translation>
    </message>
    <message>
        <source>Its weights do not match the architecture it names.</source>
        <translation>其中的权重与它声明的网络结构不匹配。</translation>
    </message>
    <message>
        <source>It is not an mnist-desk model checkpoint. Checkpoints are written by “python -m training train”.</source>
        <translation>这不是 mnist-desk 的模型检查点。检查点由“python -m training train”生成。</translation>
    </message>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>Checkpoint: {file}</source>
        <translation>检查点：{file}</translation>
    </message>
    <message>
        <source>Trained for {epochs} epochs on {device} in {seconds} s</source>
        <translation>在 {device} 上训练了 {epochs} 轮，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>Draw a digit and watch a convolutional network read it.</source>
        <translation>写一个数字，看卷积神经网络如何识别它。</translation>
    </message>
    <message>
        <source>About mnist-desk</source>
        <translation>关于 mnist-desk</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Look in:</source>
        <translation>查找范围：</translation>
    </message>
    <message>
        <source>Files of type:</source>
        <translation>文件类型：</translation>
    </message>
</context>
<context>
    <name>DrawingPanel</name>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Brush size ([ and ])</source>
        <translation>画笔粗细（[ 和 ]）</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Erase instead of drawing (E)</source>
        <translation>擦除而不是书写（E）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last step (Ctrl+Z)</source>
        <translation>撤销上一步（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>重做（Ctrl+Shift+Z）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Clear the canvas (Delete); undo brings it back</source>
        <translation>清空画布（Delete），可以撤销</translation>
    </message>
</context>
<context>
    <name>FeatureGrid</name>
    <message>
        <source>Draw a digit to see how each channel responds</source>
        <translation>写一个数字，看看每个通道如何响应</translation>
    </message>
</context>
<context>
    <name>FeatureMapViewer</name>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>The conv and pool layers of the network, input side first</source>
        <translation>网络的卷积层和池化层，从输入端开始</translation>
    </message>
    <message>
        <source>Every channel of the layer; click one to enlarge it</source>
        <translation>该层每个通道的特征图；点击一个可放大</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Inside the network: feature maps and kernels</source>
        <translation>网络内部：特征图与卷积核</translation>
    </message>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>{arch}, {accuracy} on MNIST test</source>
        <translation>{arch}，MNIST 测试集准确率 {accuracy}</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Loaded {name}</source>
        <translation>已加载 {name}</translation>
    </message>
    <message>
        <source>Could not open the model {name}.</source>
        <translation>无法打开模型 {name}。</translation>
    </message>
    <message>
        <source>Could not open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>Could not open the image {name}.</source>
        <translation>无法打开图像 {name}。</translation>
    </message>
    <message>
        <source>Could not open the image</source>
        <translation>无法打开图像</translation>
    </message>
    <message>
        <source>Could not save the drawing as {name}.</source>
        <translation>无法把画作保存为 {name}。</translation>
    </message>
    <message>
        <source>Could not save the drawing</source>
        <translation>无法保存画作</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <source>Inference: none (empty canvas)</source>
        <translation>推理：无（画布为空）</translation>
    </message>
    <message>
        <source>Inference: {inference} ms, shown {total} ms after the input</source>
        <translation>推理 {inference} 毫秒，输入后 {total} 毫秒显示</translation>
    </message>
    <message>
        <source>Inference failed: {message}</source>
        <translation>推理失败：{message}</translation>
    </message>
    <message>
        <source>Images ({patterns})</source>
        <translation>图像 ({patterns})</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Open an image of a digit</source>
        <translation>打开数字图像</translation>
    </message>
    <message>
        <source>Model checkpoints (*.pt *.pth)</source>
        <translation>模型检查点 (*.pt *.pth)</translation>
    </message>
    <message>
        <source>Open a model checkpoint</source>
        <translation>打开模型检查点</translation>
    </message>
    <message>
        <source>digit</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>Save the drawing</source>
        <translation>保存画作</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Saved. At the next start, --lang or {variable} still decides.</source>
        <translation>已保存。下次启动时仍以 --lang 或 {variable} 为准。</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <source>What the network sees (28×28):</source>
        <translation>网络看到的图像（28×28）：</translation>
    </message>
    <message>
        <source>The 28×28 image the network reads: your drawing cropped, scaled to 20×20 and centred by its centre of mass, as MNIST was made</source>
        <translation>网络读取的 28×28 图像：把你的字迹裁剪出来，缩放到 20×20，再按质心居中，与 MNIST 的制作方法相同</translation>
    </message>
    <message>
        <source>Draw a digit on the canvas</source>
        <translation>请在画布上写一个数字</translation>
    </message>
    <message>
        <source>Nothing drawn yet</source>
        <translation>尚未书写</translation>
    </message>
    <message>
        <source>{percent} sure</source>
        <translation>置信度 {percent}</translation>
    </message>
    <message>
        <source>Not sure: {percent}</source>
        <translation>不确定：{percent}</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Undo the last step (a stroke, clearing, opening an image)</source>
        <translation>撤销上一步（一笔、清空或打开图像）</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Clear the canvas</source>
        <translation>清空画布</translation>
    </message>
    <message>
        <source>Smaller / larger brush</source>
        <translation>画笔变细 / 变粗</translation>
    </message>
    <message>
        <source>Toggle the eraser</source>
        <translation>切换橡皮擦</translation>
    </message>
    <message>
        <source>Open an image (or drop one on the window)</source>
        <translation>打开图像（或把图像拖到窗口上）</translation>
    </message>
    <message>
        <source>Open another model checkpoint</source>
        <translation>打开另一个模型检查点</translation>
    </message>
    <message>
        <source>Save the drawing as PNG</source>
        <translation>把画作保存为 PNG</translation>
    </message>
    <message>
        <source>Show this list</source>
        <translation>显示此列表</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>StageCaptions</name>
    <message>
        <source>no padding (“valid”)</source>
        <translation>无填充（“valid”）</translation>
    </message>
    <message>
        <source>“same” padding (the size is kept)</source>
        <translation>“same” 填充（尺寸不变）</translation>
    </message>
    <message>
        <source>“full” padding</source>
        <translation>“full” 填充</translation>
    </message>
    <message>
        <source>padding {amount}</source>
        <translation>填充 {amount}</translation>
    </message>
    <message>
        <source>No weights:
the largest value of each whole {window} map</source>
        <translation>没有权重：
取每张 {window} 特征图的最大值</translation>
    </message>
    <message>
        <source>No weights:
the average of each whole {window} map</source>
        <translation>没有权重：
取每张 {window} 特征图的平均值</translation>
    </message>
    <message>
        <source>No weights:
the largest value of each {window} window</source>
        <translation>没有权重：
取每个 {window} 窗口的最大值</translation>
    </message>
    <message>
        <source>No weights:
the average of each {window} window</source>
        <translation>没有权重：
取每个 {window} 窗口的平均值</translation>
    </message>
    <message>
        <source>{name} is a global max pool: it keeps the largest value of each whole {size_in} map, one number per channel ({size_out}).</source>
        <translation>{name} 是全局最大池化层：取每张 {size_in} 特征图的最大值，每个通道只剩一个数（{size_out}）。</translation>
    </message>
    <message>
        <source>{name} is a global average pool: it keeps the average of each whole {size_in} map, one number per channel ({size_out}).</source>
        <translation>{name} 是全局平均池化层：取每张 {size_in} 特征图的平均值，每个通道只剩一个数（{size_out}）。</translation>
    </message>
    <message>
        <source>{name} keeps the largest value of each {window} window, stride {stride}, {padding}: each {size_in} map becomes {size_out}.</source>
        <translation>{name}（最大池化层）取每个 {window} 窗口的最大值，步幅 {stride}，{padding}：每张 {size_in} 特征图变为 {size_out}。</translation>
    </message>
    <message>
        <source>{name} keeps the average of each {window} window, stride {stride}, {padding}: each {size_in} map becomes {size_out}.</source>
        <translation>{name}（平均池化层）取每个 {window} 窗口的平均值，步幅 {stride}，{padding}：每张 {size_in} 特征图变为 {size_out}。</translation>
    </message>
    <message>
        <source>over the input image</source>
        <translation>作用于输入图像</translation>
    </message>
    <message>
        <source>over each of the {count} input channels</source>
        <translation>分别作用于 {count} 个输入通道</translation>
    </message>
    <message>
        <source>Kernel {channel}: {window} weights {over}, stride {stride}, {padding} (blue negative, red positive, {lo} … {hi}).</source>
        <translation>卷积核 {channel}：{over}的 {window} 权重，步幅 {stride}，{padding}；蓝色为负，红色为正（{lo} … {hi}）。</translation>
    </message>
    <message>
        <source>{layer}, channel {channel}: {size}, values {lo} … {hi}</source>
        <translation>{layer}，通道 {channel}：{size} 特征图，取值 {lo} … {hi}</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Save drawing as PNG…</source>
        <translation>把画作保存为 PNG(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear canvas</source>
        <translation>清空画布(&amp;C)</translation>
    </message>
    <message>
        <source>Smaller brush</source>
        <translation>画笔变细</translation>
    </message>
    <message>
        <source>Larger brush</source>
        <translation>画笔变粗</translation>
    </message>
    <message>
        <source>Eraser on/off</source>
        <translation>橡皮擦开/关</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About mnist-desk</source>
        <translation>关于 mnist-desk(&amp;A)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
</context>
</TS>
