<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>There is no such file.</source>
        <translation>没有这个文件。</translation>
    </message>
    <message>
        <source>mnist-desk cannot start</source>
        <translation>mnist-desk 无法启动</translation>
    </message>
    <message>
        <source>Could not open the model {name}.</source>
        <translation>无法打开模型 {name}。</translation>
    </message>
</context>
<context>
    <name>ArithmeticDiagram</name>
    <message>
        <source>Click a unit of any layer to see how its value was computed</source>
        <translation>点击任意一层的一个单元，看看它的值是怎样算出来的</translation>
    </message>
    <message>
        <source>temperature T = {t}; m = largest z / T = {m}</source>
        <translation>温度 T = {t}；m = 最大的 z / T = {m}</translation>
    </message>
    <message>
        <source>sum of the exponentials = {s}; each p = exp(z / T − m) / {s}</source>
        <translation>指数之和 = {s}；每个 p = exp(z / T − m) / {s}</translation>
    </message>
    <message>
        <source>largest value</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均值</translation>
    </message>
    <message>
        <source>{what} of the window = {v}</source>
        <translation>窗口的{what} = {v}</translation>
    </message>
    <message>
        <source>{stage} passes the value of {source} through unchanged: {v}</source>
        <translation>{stage} 原样传递 {source} 的值：{v}</translation>
    </message>
    <message>
        <source>BatchNorm with the mean and var kept from training: ({x} − {mean}) / √({var} + ε) × {gamma} + {beta} = {v}</source>
        <translation>批归一化（用训练时保存的均值 mean 和方差 var）：({x} − {mean}) / √({var} + ε) × {gamma} + {beta} = {v}</translation>
    </message>
    <message>
        <source>{stage} reads each pixel p as (p − {mean}) / {std}: blank 0 → {blank}, ink 1 → {ink}</source>
        <translation>{stage} 把每个像素 p 读作 (p − {mean}) / {std}：空白 0 → {blank}，笔迹 1 → {ink}</translation>
    </message>
    <message>
        <source>sum of the products {s} + bias {b} = {v}</source>
        <translation>乘积之和 {s} + 偏置 {b} = {v}</translation>
    </message>
    <message>
        <source>sum of the products = {v} (no bias: BatchNorm&apos;s β does its job)</source>
        <translation>乘积之和 = {v}（本层没有偏置，由批归一化的 β 起偏置的作用）</translation>
    </message>
    <message>
        <source>sum of the products = {v} (the layer has no bias)</source>
        <translation>乘积之和 = {v}（本层没有偏置）</translation>
    </message>
    <message>
        <source>value in the network: {v}</source>
        <translation>网络中的值：{v}</translation>
    </message>
    <message>
        <source>{stage} reads each pixel p as (p − {mean}) / {std}: blank 0 → {blank}, ink 1 → {ink}; the padding outside the picture is 0, as if p were {mean}</source>
        <translation>{stage} 把每个像素 p 读作 (p − {mean}) / {std}：空白 0 → {blank}，笔迹 1 → {ink}；图像外的填充是 0，相当于 p = {mean}</translation>
    </message>
    <message>
        <source>{stage} element {i} is channel {c} of {source} (one value per channel): {v}</source>
        <translation>{stage} 的元素 {i} 就是 {source} 的通道 {c}（每个通道只有一个值）：{v}</translation>
    </message>
    <message>
        <source>{stage} element {i} is {source} channel {c}, row {y}, column {x}: {i} = {c} × {hw} + {y} × {w} + {x}; value {v}</source>
        <translation>{stage} 的元素 {i} 来自 {source} 通道 {c}、行 {y}、列 {x}：{i} = {c} × {hw} + {y} × {w} + {x}；值 {v}</translation>
    </message>
    <message>
        <source>digit</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>logit z</source>
        <translation>得分 z</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>input (normalised)</source>
        <translation>输入（已标准化）</translation>
    </message>
    <message>
        <source>input window</source>
        <translation>输入窗口</translation>
    </message>
    <message>
        <source>kernel</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>products</source>
        <translation>乘积</translation>
    </message>
    <message>
        <source>input #</source>
        <translation>输入 #</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>product</source>
        <translation>乘积</translation>
    </message>
    <message>
        <source>window of {source}, channel {c}</source>
        <translation>{source} 的窗口，通道 {c}</translation>
    </message>
    <message>
        <source>{n} others</source>
        <translation>其余 {n} 个</translation>
    </message>
    <message>
        <source>+ the other {n} input channels: sum of their products = {s}</source>
        <translation>+ 其余 {n} 个输入通道：它们的乘积之和 = {s}</translation>
    </message>
    <message>
        <source>channel {c}</source>
        <translation>通道 {c}</translation>
    </message>
    <message>
        <source>pad</source>
        <translation>填充</translation>
    </message>
</context>
<context>
    <name>ArithmeticView</name>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>{speed} steps/s</source>
        <translation>{speed} 步/秒</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Slide the kernel across the input, one position per step</source>
        <translation>让卷积核在输入上滑动，每步移动一个位置</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>How fast the kernel moves</source>
        <translation>卷积核移动的速度</translation>
    </message>
    <message>
        <source>the input image, {size}</source>
        <translation>输入图像，{size}</translation>
    </message>
    <message>
        <source>{source}, channel {channel}, {size}</source>
        <translation>{source}，通道 {channel}，{size}</translation>
    </message>
    <message>
        <source>{source}: mean of its {count} channels, {size}</source>
        <translation>{source}：{count} 个通道的平均，{size}</translation>
    </message>
    <message>
        <source>{stage}, channel {channel}, {size}</source>
        <translation>{stage}，通道 {channel}，{size}</translation>
    </message>
    <message>
        <source>How a value is computed</source>
        <translation>一个值是怎样算出来的</translation>
    </message>
    <message>
        <source>softmax: from the last layer&apos;s outputs, divided by the temperature T, to the ten probabilities</source>
        <translation>softmax：把最后一层的输出除以温度 T，再变成十个概率</translation>
    </message>
    <message>
        <source>{stage}, channel {channel}, row {y}, column {x}</source>
        <translation>{stage}，通道 {channel}，行 {y}、列 {x}</translation>
    </message>
    <message>
        <source>{stage}, neuron {channel}</source>
        <translation>{stage}，神经元 {channel}</translation>
    </message>
    <message>
        <source>{stage}, element {channel}</source>
        <translation>{stage}，元素 {channel}</translation>
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
    <name>DetailTabs</name>
    <message>
        <source>Feature maps</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Every channel of a conv or pool layer, and the kernels that made them</source>
        <translation>卷积层或池化层的每个通道，以及生成它们的卷积核</translation>
    </message>
    <message>
        <source>How a value is computed</source>
        <translation>一个值是怎样算出来的</translation>
    </message>
    <message>
        <source>Click a pixel of a feature map, or a stage of the overview, to see its arithmetic</source>
        <translation>点击特征图中的一个像素，或总览中的一层，查看它的运算</translation>
    </message>
    <message>
        <source>Try a kernel</source>
        <translation>试一试卷积核</translation>
    </message>
    <message>
        <source>Edge, sharpen, blur or your own numbers, on your drawing</source>
        <translation>边缘、锐化、模糊或你自己填的数字，作用在你的画上</translation>
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
        <source>Its network answers with no numbers (NaN or infinity): its weights are damaged.</source>
        <translation>它的网络输出的不是数（NaN 或无穷大）：权重已损坏。</translation>
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
    <name>DigitStrip</name>
    <message>
        <source>Each digit of the number and its probabilities; click one to see it in detail</source>
        <translation>这个数的每一位数字及其概率；点击一位数字可查看详情</translation>
    </message>
    <message>
        <source>Write a number above: each digit&apos;s probabilities appear here</source>
        <translation>在上方写一个多位数：每一位数字的概率会显示在这里</translation>
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
    <message>
        <source>Number</source>
        <translation>多位数</translation>
    </message>
    <message>
        <source>Write a number of several digits on a wide canvas (Ctrl+N)</source>
        <translation>在宽画布上写一个多位数（Ctrl+N）</translation>
    </message>
</context>
<context>
    <name>ExampleLikeness</name>
    <message>
        <source>Forget</source>
        <translation>忘记</translation>
    </message>
    <message>
        <source>Forget this example (Undo brings it back)</source>
        <translation>忘记这个样例（撤销可以找回）</translation>
    </message>
    <message>
        <source>Your examples: draw to see the one most like it</source>
        <translation>我的样例：画一个数字，看它最像哪个样例</translation>
    </message>
    <message>
        <source>Most like your example of {digit} (similarity {similarity})</source>
        <translation>最像你的数字 {digit} 的样例（相似度 {similarity}）</translation>
    </message>
    <message>
        <source>Not the answer: is it {digit}?</source>
        <translation>与答案不同：是 {digit} 吗？</translation>
    </message>
    <message>
        <source>Of the examples you taught, the one this drawing looks most like to the network: their features (what the final layer weighs into the ten scores) point most nearly the same way. Similarity is the cosine of the angle between them: 1 is the same direction.</source>
        <translation>在你教过的样例中，网络看来与这幅画最像的一个：两者的特征（最后一层加权成十个得分的那些值）方向最接近。相似度是它们夹角的余弦（余弦相似度）：1 表示方向相同。</translation>
    </message>
    <message>
        <source>File: {path}</source>
        <translation>文件：{path}</translation>
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
        <source>Every channel of the layer; point at a pixel to see where it comes from, click to open it</source>
        <translation>这一层的每个通道；指向一个像素可以看到它从哪里来，点击可以打开它的运算</translation>
    </message>
    <message>
        <source>Point at a pixel to see its receptive field; click it to see its arithmetic</source>
        <translation>指向一个像素可以看到它的感受野；点击可以看到它的运算</translation>
    </message>
    <message>
        <source>Point at a pixel to see its value and where it comes from</source>
        <translation>指向一个像素，看它的值和它从哪里来</translation>
    </message>
    <message>
        <source>channel {channel}, row {y}, column {x}: {value}</source>
        <translation>通道 {channel}，行 {y}、列 {x}：{value}</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>磁盘是只读的</translation>
    </message>
    <message>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <source>a file stands where a folder should be</source>
        <translation>本应是文件夹的位置上是一个文件</translation>
    </message>
    <message>
        <source>a folder stands where a file should be</source>
        <translation>本应是文件的位置上是一个文件夹</translation>
    </message>
    <message>
        <source>the name is too long</source>
        <translation>名称太长</translation>
    </message>
</context>
<context>
    <name>KernelPlayground</name>
    <message>
        <source>Not a number from −1000 to 1000: counted as 0</source>
        <translation>不是 −1000 到 1000 之间的数：按 0 计算</translation>
    </message>
    <message>
        <source>Output size: ({n} + 2·{p} − {k}) / {s} + 1 = {out}, so {out}×{out}</source>
        <translation>输出尺寸：({n} + 2·{p} − {k}) / {s} + 1 = {out}，即 {out}×{out}</translation>
    </message>
    <message>
        <source>Output size: ⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out}, so {out}×{out} (rounded down)</source>
        <translation>输出尺寸：⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out}，即 {out}×{out}（向下取整）</translation>
    </message>
    <message>
        <source>Draw a digit</source>
        <translation>写一个数字</translation>
    </message>
    <message>
        <source>Draw a digit to see the kernel&apos;s output</source>
        <translation>写一个数字，看看卷积核的输出</translation>
    </message>
    <message>
        <source>The kernel does not fit</source>
        <translation>卷积核放不下</translation>
    </message>
    <message>
        <source>Output {h}×{w}: blue negative, red positive ({lo} … {hi})</source>
        <translation>输出 {h}×{w}：蓝色为负，红色为正（{lo} … {hi}）</translation>
    </message>
    <message>
        <source>Output {h}×{w}: black 0 to white {hi}</source>
        <translation>输出 {h}×{w}：黑色 0 到白色 {hi}</translation>
    </message>
    <message>
        <source>Learned conv1 kernels: no model with a one-channel conv1</source>
        <translation>学到的 conv1 卷积核：当前模型的 conv1 不是单通道输入</translation>
    </message>
    <message>
        <source>An all-zero kernel resembles nothing</source>
        <translation>全零的卷积核不像任何卷积核</translation>
    </message>
    <message>
        <source>The learned conv1 kernels most like it (cosine similarity):</source>
        <translation>与它最相似的已学 conv1 卷积核（余弦相似度）：</translation>
    </message>
    <message>
        <source>channel {c}: {s}</source>
        <translation>通道 {c}：{s}</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>恒等核</translation>
    </message>
    <message>
        <source>Edge (Laplacian, 8 neighbours)</source>
        <translation>边缘（拉普拉斯，8 邻域）</translation>
    </message>
    <message>
        <source>Laplacian (4 neighbours)</source>
        <translation>拉普拉斯（4 邻域）</translation>
    </message>
    <message>
        <source>Sobel x (vertical edges)</source>
        <translation>Sobel 算子，x 方向（竖直边缘）</translation>
    </message>
    <message>
        <source>Sobel y (horizontal edges)</source>
        <translation>Sobel 算子，y 方向（水平边缘）</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>锐化</translation>
    </message>
    <message>
        <source>Box blur 3×3</source>
        <translation>均值模糊 3×3</translation>
    </message>
    <message>
        <source>Gaussian blur 3×3</source>
        <translation>高斯模糊 3×3</translation>
    </message>
    <message>
        <source>Gaussian blur 5×5</source>
        <translation>高斯模糊 5×5</translation>
    </message>
    <message>
        <source>Your own numbers</source>
        <translation>自己输入数字</translation>
    </message>
    <message>
        <source>valid (no padding)</source>
        <translation>“valid”（无填充）</translation>
    </message>
    <message>
        <source>same (keeps the size at stride 1)</source>
        <translation>“same”（步幅为 1 时尺寸不变）</translation>
    </message>
    <message>
        <source>full (every overlap)</source>
        <translation>“full”（所有重叠位置）</translation>
    </message>
    <message>
        <source>Kernel:</source>
        <translation>卷积核：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Padding:</source>
        <translation>填充：</translation>
    </message>
    <message>
        <source>Stride:</source>
        <translation>步幅：</translation>
    </message>
    <message>
        <source>Type any numbers (1/9 works too); the output follows</source>
        <translation>输入任意数字（也可以写 1/9），输出随之更新</translation>
    </message>
    <message>
        <source>The 28×28 input</source>
        <translation>28×28 输入</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>default</source>
        <comment>the name of the default network architecture</comment>
        <translation>默认网络</translation>
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
        <source>Inference: none (nothing to read)</source>
        <translation>推理：无（没有可识别的内容）</translation>
    </message>
    <message>
        <source>Inference: {inference} ms, shown {total} ms after the input</source>
        <translation>推理：{inference} 毫秒，输入后 {total} 毫秒显示</translation>
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
    <name>NetworkOverview</name>
    <message>
        <source>Load a model to see its layers</source>
        <translation>加载模型以查看它的各层</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
    <message>
        <source>The 28×28 image the network reads</source>
        <translation>网络读取的 28×28 图像</translation>
    </message>
    <message>
        <source>The ten probabilities: softmax of the last layer&apos;s outputs divided by the temperature T</source>
        <translation>十个概率：最后一层输出除以温度 T 后的 softmax</translation>
    </message>
    <message>
        <source>BatchNorm</source>
        <translation>批归一化</translation>
    </message>
    <message>
        <source>{name}: {what}
{shape_in} → {shape_out}, {parameters} parameters</source>
        <translation>{name}：{what}
{shape_in} → {shape_out}，{parameters} 个参数</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a layer&apos;s description</comment>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <source>What the network sees (28×28):</source>
        <translation>网络看到的图像（28×28）：</translation>
    </message>
    <message>
        <source>Wrong? Click the right digit&apos;s bar: the network learns your handwriting</source>
        <translation>认错了？点击正确数字的条形：
网络会学习你的笔迹</translation>
    </message>
    <message>
        <source>The 28×28 image the network reads: your drawing cropped, scaled so its longer side is 20 pixels, and centred by its centre of mass, as MNIST was made</source>
        <translation>网络读取的 28×28 图像：把你的字迹裁剪出来，按比例缩放到长边为 20 像素，再按质心居中，与 MNIST 的制作方法相同</translation>
    </message>
    <message>
        <source>Several digits side by side? Number mode (Ctrl+N) reads numbers</source>
        <translation>是几个数字并排写的吗？
多位数模式（Ctrl+N）能读多位数</translation>
    </message>
    <message>
        <source>Write a number across the canvas</source>
        <translation>在画布上横着写一个数</translation>
    </message>
    <message>
        <source>Nothing written yet</source>
        <translation>尚未书写</translation>
    </message>
    <message>
        <source>Part {index} of {count} as the network sees it (28×28):</source>
        <translation>第 {index} 部分（共 {count} 部分），
网络看到的图像（28×28）：</translation>
    </message>
    <message>
        <source>Digit {index} of {count} as the network sees it (28×28):</source>
        <translation>第 {index} 位数字（共 {count} 位），
网络看到的图像（28×28）：</translation>
    </message>
    <message>
        <source>Not a number</source>
        <translation>不是一个数</translation>
    </message>
    <message>
        <source>Only digits are read: the point or comma framed in red is not one</source>
        <translation>只读数字：红框里的点或逗号不是数字</translation>
    </message>
    <message>
        <source>The part framed in red is not a digit</source>
        <translation>红框里的部分不是数字</translation>
    </message>
    <message>
        <source>The whole number: {percent} sure</source>
        <translation>整个数的置信度 {percent}</translation>
    </message>
    <message>
        <source>The whole number: not sure, {percent}</source>
        <translation>整个数不确定：{percent}</translation>
    </message>
    <message>
        <source>Not trusted: the network sees no digit here</source>
        <translation>不可信：网络在这里看不出数字</translation>
    </message>
    <message>
        <source>Too small to read: draw the digit bigger</source>
        <translation>太小，无法识别：请把数字写大一些</translation>
    </message>
    <message>
        <source>Only a dot so far</source>
        <translation>只有一个点</translation>
    </message>
    <message>
        <source>Too many separate marks to read: noise or a grainy photo?</source>
        <translation>分散的笔迹太多，无法读取：是噪点还是颗粒很粗的照片？</translation>
    </message>
    <message>
        <source>Nothing readable</source>
        <translation>没有可读的内容</translation>
    </message>
    <message>
        <source>No ink found: the image is all one shade</source>
        <translation>没有找到笔迹：整幅图像是同一种深浅</translation>
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
        <source>Not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>if it were a digit: {digit} ({percent})</source>
        <translation>如果是数字：{digit}（{percent}）</translation>
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
    <name>ProbabilityBars</name>
    <message>
        <source>Wrong? Click the right digit to teach the network your handwriting</source>
        <translation>认错了？点击正确的数字，教网络认识你的笔迹</translation>
    </message>
    <message>
        <source>If it is a digit after all, click that digit&apos;s number or percentage to teach the network</source>
        <translation>如果它其实是一个数字，请点击那个数字的序号或百分比，教给网络</translation>
    </message>
</context>
<context>
    <name>SaliencyControls</name>
    <message>
        <source>Why this answer?</source>
        <translation>为什么是这个答案？</translation>
    </message>
    <message>
        <source>Colour what the answer rests on, on the canvas and on the 28×28 view (yellow to crimson; each method measures it its own way)</source>
        <translation>在画布和 28×28 视图上，给这个答案所依据的地方上色（从黄色到深红色；每种方法的衡量方式不同）</translation>
    </message>
    <message>
        <source>Grad-CAM</source>
        <translation>Grad-CAM</translation>
    </message>
    <message>
        <source>gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>ink × gradient</source>
        <translation>笔迹 × 梯度</translation>
    </message>
    <message>
        <source>occlusion</source>
        <translation>遮挡</translation>
    </message>
    <message>
        <source>Grad-CAM: where the last conv layer&apos;s evidence for the answer lies. Gradient: how strongly the score reacts to each pixel, ink or paper, up or down (its size, not its sign). Ink × gradient: the drawn pixels whose ink pushes the score up. Occlusion: how much the score falls when a 5×5 patch is blanked (slower: computed when the pen is lifted)</source>
        <translation>Grad-CAM：最后一个卷积层里支持这个答案的证据在哪里。梯度：得分对每个像素（无论有没有笔迹）的变化有多敏感，升或降都算（只看大小，不看正负）。笔迹 × 梯度：哪些画上的像素的笔迹让得分升高。遮挡：把一个 5×5 的小块涂空后得分下降多少（较慢：抬笔后才计算）</translation>
    </message>
    <message>
        <source>and not</source>
        <translation>而不是</translation>
    </message>
    <message>
        <source>Pick a second digit B to see why the network said its answer and not B</source>
        <translation>选第二个数字 B，看看网络为什么给出它的答案而不是 B</translation>
    </message>
    <message>
        <source>The score reacts little (yellow) to much (crimson) to the pixel, up or down</source>
        <translation>得分对该像素的反应从小（黄色）到大（深红色），升或降都算</translation>
    </message>
    <message>
        <source>Weak evidence (yellow) to strong evidence (crimson)</source>
        <translation>证据弱（黄色）到证据强（深红色）</translation>
    </message>
    <message>
        <source>%1 (the answer)</source>
        <translation>%1（即答案）</translation>
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
        <source>On the canvas: the drawing (in number mode, the selected digit) is this digit, kept as an example to learn from; Edit → Forget the last example takes it back</source>
        <translation>在画布上：告诉网络画的是这个数字（多位数模式下指选中的那一位），并保存为样例供网络学习；“编辑 → 忘记最近一个样例”可以撤回</translation>
    </message>
    <message>
        <source>Number mode: write a number of several digits</source>
        <translation>多位数模式：写一个多位数</translation>
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
        <source>Show or hide the network overview</source>
        <translation>显示或隐藏网络总览</translation>
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
        <source>{window} max pool</source>
        <translation>{window} 最大池化</translation>
    </message>
    <message>
        <source>{window} average pool</source>
        <translation>{window} 平均池化</translation>
    </message>
    <message>
        <source>{window}, stride {stride}, {padding}</source>
        <translation>{window}，步幅 {stride}，{padding}</translation>
    </message>
    <message>
        <source>max pooling</source>
        <translation>最大池化层</translation>
    </message>
    <message>
        <source>average pooling</source>
        <translation>平均池化层</translation>
    </message>
    <message>
        <source>global max pooling</source>
        <translation>全局最大池化层</translation>
    </message>
    <message>
        <source>global average pooling</source>
        <translation>全局平均池化层</translation>
    </message>
    <message>
        <source>convolution</source>
        <translation>卷积层</translation>
    </message>
    <message>
        <source>the maps laid out as one vector</source>
        <translation>展平，把特征图排成一个向量</translation>
    </message>
    <message>
        <source>fully connected</source>
        <translation>全连接层</translation>
    </message>
    <message>
        <source>dropout (passes everything through when predicting)</source>
        <translation>dropout（预测时全部通过）</translation>
    </message>
    <message>
        <source>no padding</source>
        <translation>无填充</translation>
    </message>
    <message>
        <source>no padding (“valid”)</source>
        <translation>无填充（“valid”）</translation>
    </message>
    <message>
        <source>“same” padding</source>
        <translation>“same” 填充</translation>
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
    <name>Teaching</name>
    <message>
        <source>My examples: off</source>
        <translation>我的样例：已关闭</translation>
    </message>
    <message>
        <source>My examples: adapting…</source>
        <translation>我的样例：正在适应…</translation>
    </message>
    <message>
        <source>My examples: {count} in use</source>
        <translation>我的样例：使用 {count} 个</translation>
    </message>
    <message>
        <source>My examples: none</source>
        <translation>我的样例：无</translation>
    </message>
    <message>
        <source>Examples of your handwriting, in {folder}. When an answer is wrong, click the right digit&apos;s bar (or press its key on the canvas): the drawing is kept there and the network adapts to it.</source>
        <translation>你的笔迹样例，保存在 {folder}。答案不对时，点击正确数字的条形（或在画布上按该数字键）：画作会保存在那里，网络随之适应。</translation>
    </message>
    <message>
        <source>Skipped:</source>
        <translation>已跳过：</translation>
    </message>
    <message>
        <source>Undo forget</source>
        <translation>撤销忘记</translation>
    </message>
    <message>
        <source>Bring back the examples you just forgot</source>
        <translation>找回刚刚忘记的样例</translation>
    </message>
    <message>
        <source>not a folder of one digit (0-9)</source>
        <translation>不是单个数字（0-9）的文件夹</translation>
    </message>
    <message>
        <source>too small to read</source>
        <translation>太小，无法识别</translation>
    </message>
    <message>
        <source>no ink in it</source>
        <translation>里面没有笔迹</translation>
    </message>
    <message>
        <source>not an image this app can read</source>
        <translation>不是本程序能读取的图像</translation>
    </message>
    <message>
        <source>Skipped 1 file in the examples folder that is not an example</source>
        <translation>样例文件夹中有 1 个文件不是样例，已跳过</translation>
    </message>
    <message>
        <source>Skipped {count} files in the examples folder that are not examples</source>
        <translation>样例文件夹中有 {count} 个文件不是样例，已跳过</translation>
    </message>
    <message>
        <source>Adapted to my examples in {seconds} s</source>
        <translation>已按我的样例完成适应，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>Could not adapt to my examples: {reason}</source>
        <translation>无法适应我的样例：{reason}</translation>
    </message>
    <message>
        <source>Draw a digit first, then say which digit it is</source>
        <translation>请先画一个数字，再说出它是哪个数字</translation>
    </message>
    <message>
        <source>Could not keep the example: {reason}</source>
        <translation>无法保存样例：{reason}</translation>
    </message>
    <message>
        <source>Kept as an example of {digit} (my examples are switched off)</source>
        <translation>已保存为数字 {digit} 的样例（我的样例已关闭）</translation>
    </message>
    <message>
        <source>Kept as an example of {digit} — adapting…</source>
        <translation>已保存为数字 {digit} 的样例——正在适应…</translation>
    </message>
    <message>
        <source>My examples are off: the network reads as it was trained</source>
        <translation>我的样例已关闭：网络按训练时的样子识别</translation>
    </message>
    <message>
        <source>There are no examples to forget</source>
        <translation>没有可忘记的样例</translation>
    </message>
    <message>
        <source>Forget my examples</source>
        <translation>忘记我的样例</translation>
    </message>
    <message>
        <source>Forget the one example of your handwriting?</source>
        <translation>忘记你唯一的一个笔迹样例吗？</translation>
    </message>
    <message>
        <source>Forget all {count} examples of your handwriting?</source>
        <translation>忘记你全部 {count} 个笔迹样例吗？</translation>
    </message>
    <message>
        <source>The network goes back to how it was trained. Until you close the window, Undo brings it back.</source>
        <translation>网络将恢复为训练时的样子。关闭窗口之前，“撤销忘记”可以找回它。</translation>
    </message>
    <message>
        <source>The network goes back to how it was trained. Until you close the window, Undo brings them back.</source>
        <translation>网络将恢复为训练时的样子。关闭窗口之前，“撤销忘记”可以找回它们。</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>忘记</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Could not forget the examples: {reason}</source>
        <translation>无法忘记样例：{reason}</translation>
    </message>
    <message>
        <source>Forgot {count} examples</source>
        <translation>已忘记 {count} 个样例</translation>
    </message>
    <message>
        <source>Forgot 1 example</source>
        <translation>已忘记 1 个样例</translation>
    </message>
    <message>
        <source>Forgot that example of {digit} (Undo brings it back)</source>
        <translation>已忘记那个数字 {digit} 的样例（撤销可以找回）</translation>
    </message>
    <message>
        <source>Could not bring the examples back: {reason}</source>
        <translation>无法找回样例：{reason}</translation>
    </message>
    <message>
        <source>My examples are back — adapting…</source>
        <translation>样例已找回——正在适应…</translation>
    </message>
    <message>
        <source>The example is back — adapting…</source>
        <translation>样例已找回——正在适应…</translation>
    </message>
    <message>
        <source>No example kept since the window opened is left to forget</source>
        <translation>窗口打开以来保存的样例已经没有可忘记的了</translation>
    </message>
    <message>
        <source>Could not forget the example: {reason}</source>
        <translation>无法忘记这个样例：{reason}</translation>
    </message>
    <message>
        <source>That example is no longer in the examples folder: adapting to the others</source>
        <translation>样例文件夹里已经没有这个样例了：正在按其余样例适应…</translation>
    </message>
    <message>
        <source>Forgot the example of {digit} kept last</source>
        <translation>已忘记最近保存的数字 {digit} 的样例</translation>
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
        <source>Use my &amp;examples</source>
        <translation>使用我的样例(&amp;E)</translation>
    </message>
    <message>
        <source>Forget the &amp;last example</source>
        <translation>忘记最近一个样例(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Forget my examples…</source>
        <translation>忘记我的样例(&amp;F)…</translation>
    </message>
    <message>
        <source>Undo f&amp;orget</source>
        <translation>撤销忘记(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Number mode</source>
        <translation>多位数模式(&amp;N)</translation>
    </message>
    <message>
        <source>Network &amp;overview</source>
        <translation>网络总览(&amp;O)</translation>
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
